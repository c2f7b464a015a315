package dev.tippen.stream;

import dev.tippen.visitor.Notice;
import java.util.List;
import java.util.Map;

/**
 * The durable side of the change stream: the recorded notices of every committed change, kept with
 * the change itself until every consumer has them. The history reads it (and hands what it learns to
 * the notifications), so neither can miss a change that was acknowledged, across a crash.
 *
 * <p>An outbox is made of streams (one for the embedded engine, one per site with Redis), each
 * read in order from a position. Consumers keep their own positions, in the same transaction as what
 * they made of the entries, so an entry is applied once however often it is read. Every method
 * blocks: call it from the consumer's own thread, never from an event loop.
 */
public interface Outbox {

    /**
     * What one read may hold, about, as the entries are stored: decoded, an entry takes about as much
     * heap again, so a read is bounded in memory whatever its count. An outbox that cannot tell an
     * entry's size before it reads it bounds its reads by a count of its own instead.
     */
    int BATCH_BYTES = 8 << 20;

    /** One committed change's recorded notices, at {@code position} of {@code stream}. */
    record Entry(String stream, String position, String siteId, long at, List<Notice.Recorded> notices) {}

    /** From now on, changes keep their recorded notices here. */
    void start();

    /**
     * Entries after the given positions (a stream absent from the map is read from its start), oldest
     * first within each stream, holding at most about {@code max} notices in all (an entry holds at
     * least one; the last may pass the bound by its own).
     */
    List<Entry> read(Map<String, String> after, int max);

    /**
     * A number that moves whenever entries may have been added, told without touching storage, or -1
     * when this outbox cannot tell without reading. A consumer whose last read came back empty need not
     * read again while it stays the same: an idle node then polls nothing.
     */
    default long version() {
        return -1;
    }

    /** Whether the last {@link #read} stopped at a bound of its own (its bytes, its count) with more entries waiting. */
    default boolean filled() {
        return false;
    }

    /** Every consumer has the entries up to these positions: the outbox may forget them. */
    void done(Map<String, String> upTo);

    /** Whether this node should consume now (with several nodes, one at a time does). */
    boolean leader();

    /** Entries that were forgotten unread because the outbox reached its bound. */
    long dropped();

    /**
     * Whether the writes that feed the outbox are saturated just now (tracking at full speed), so a
     * consumer that can wait should: its own writes would slow them. Asked by the consumer's thread.
     */
    default boolean busy() {
        return false;
    }
}
