package dev.tippen.engine.embedded;

import dev.tippen.engine.NoticeCodec;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Notice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded outbox: the {@code outbox} table of the live database, one stream in commit order.
 * It is written by the group commit with the changes themselves and trimmed by the writer behind
 * the consumer. It holds at most {@link #MAX_ROWS}: a consumer that falls further behind (its own
 * storage failing for hours) loses the oldest entries, counted, rather than the disk.
 */
final class SqliteOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(SqliteOutbox.class);
    static final String STREAM = "local";
    static final long MAX_ROWS = 2_000_000;

    private final SqliteDatabase db;
    private final SqliteStore store;
    private final EmbeddedEngine engine;
    private final long maxRows;
    private final AtomicLong dropped = new AtomicLong();
    private Connection conn;

    SqliteOutbox(SqliteDatabase db, SqliteStore store, EmbeddedEngine engine, long maxRows) {
        this.db = db;
        this.store = store;
        this.engine = engine;
        this.maxRows = maxRows;
    }

    @Override
    public void start() {
        engine.record(true);
    }

    @Override
    public synchronized List<Entry> read(Map<String, String> after, int max) {
        long from = after.containsKey(STREAM) ? Long.parseLong(after.get(STREAM)) : 0;
        try {
            if (conn == null) conn = db.connect();
            long asked = from;
            from = skipPastBound(from);
            List<Entry> out = new ArrayList<>(Math.min(max, 1024));
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT seq, site_id, at, notices FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, from);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    // A row holds one site's changes of a commit: count what is in hand by the notices.
                    int held = 0;
                    while (held < max && rs.next()) {
                        List<Notice.Recorded> notices = new ArrayList<>(2);
                        for (Notice n : NoticeCodec.read(rs.getString(4))) if (n instanceof Notice.Recorded r) notices.add(r);
                        out.add(new Entry(STREAM, Long.toString(rs.getLong(1)), rs.getString(2), rs.getLong(3), notices));
                        held += Math.max(1, notices.size());
                    }
                }
            }
            // Nothing left past a skip: an entry without notices still moves the reader's position.
            if (out.isEmpty() && from != asked) out.add(new Entry(STREAM, Long.toString(from), null, 0, List.of()));
            return out;
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    /** When more than the bound waits, the oldest are given up: the reader starts past them. */
    private long skipPastBound(long from) throws SQLException {
        long last;
        try (PreparedStatement ps = conn.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            last = rs.next() ? rs.getLong(1) : 0;
        }
        if (last - from <= maxRows) return from;
        long skipTo = last - maxRows;
        long lost = skipTo - from;
        dropped.addAndGet(lost);
        log.error("event=outbox_overflow dropped={} note=\"the history fell more than {} changes behind; the oldest were given up\"",
                lost, maxRows);
        store.prunable(skipTo);
        return skipTo;
    }

    @Override
    public void done(Map<String, String> upTo) {
        String seq = upTo.get(STREAM);
        if (seq != null) store.prunable(Long.parseLong(seq));
    }

    @Override
    public boolean leader() {
        return true;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    private void closeQuietly() {
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // a broken connection is replaced on the next read
        }
        conn = null;
    }
}
