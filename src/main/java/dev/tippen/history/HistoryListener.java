package dev.tippen.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Hears what the history learned from each batch, inside the batch's transaction: whatever it writes
 * there commits with the batch or not at all (the notifications' outbox is written this way).
 */
public interface HistoryListener {
    void recorded(Connection c, Dialect dialect, List<HistoryEvent> events) throws SQLException;

    /** The batch last heard of is committed: what it wrote is now visible to everyone. */
    default void committed() {}
}
