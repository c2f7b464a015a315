package dev.tippen.store.sqlite;

import dev.tippen.invite.PendingInvite;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.store.StoredJson;
import dev.tippen.store.VisitorStore;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded default: visitors and invites in the SQLite file, written through group commit. */
public final class SqliteVisitorStore implements VisitorStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteVisitorStore.class);

    private final SqliteDatabase db;
    private final GroupCommitWriter writer;
    private final WalCheckpointer checkpointer;

    public SqliteVisitorStore(SqliteDatabase db, int queueCapacity, int maxBatch, TippenMetrics metrics) {
        this.db = db;
        try {
            this.writer = new GroupCommitWriter(db, queueCapacity, maxBatch, metrics);
            this.checkpointer = new WalCheckpointer(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + db.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Future<Void> write(List<Write> writes) {
        return writer.submit(writes);
    }

    @Override
    public Restored restore() {
        Map<String, List<Visitor>> visitors = new HashMap<>();
        Map<String, List<PendingInvite>> invites = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT site_id, visitor_id, data FROM visitors ORDER BY last_activity")) {
                while (rs.next()) {
                    try {
                        visitors.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(StoredJson.read(rs.getString(3)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        log.warn("event=restore_skipped_row site={} visitor={} error=\"{}\"",
                                rs.getString(1), rs.getString(2), e.getOriginalMessage());
                    }
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT site_id, visitor_id, invite_id, guest_url, created_at, expires_at FROM invites ORDER BY created_at")) {
                while (rs.next()) {
                    invites.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new PendingInvite(
                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read database " + db.file() + ": " + e.getMessage(), e);
        }
        return new Restored(visitors, invites);
    }

    @Override
    public boolean healthy() {
        return writer.healthy();
    }

    @Override
    public void close() {
        writer.close();
        checkpointer.close();
    }
}
