package dev.tippen.engine.embedded;

import dev.tippen.engine.NoticeCodec;
import dev.tippen.engine.VisitorCodec;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Notice;
import java.nio.charset.StandardCharsets;
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
 * The embedded outbox is the journal the group commit writes anyway, one stream in commit order: a
 * page view is read from the row that stores its visitor (its notice is that visitor), other
 * notices from rows of their own. The writer keeps rows until this reader has them, at most
 * {@link GroupCommitWriter#KEPT_FOR_READER} behind the newest: a consumer that falls further behind
 * (its own storage failing for hours) loses the oldest entries, counted here, rather than the disk.
 *
 * <p>An earlier release kept notices in an {@code outbox} table of their own (stream {@code local});
 * what it left unread is read first, and the table dropped once read.
 */
final class SqliteOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(SqliteOutbox.class);
    static final String STREAM = "journal";
    static final String LEGACY_STREAM = "local";

    private final SqliteDatabase db;
    private final SqliteStore store;
    private final EmbeddedEngine engine;
    private final AtomicLong dropped = new AtomicLong();
    /**
     * The group commit writer busy at least this share of the time means tracking runs at full
     * speed: its commits follow one another, and another writer's fsyncs on the same disk would
     * lengthen each of them (measured; see docs/performance.md).
     */
    static final double BUSY = 0.5;
    private long busySampledAt = System.nanoTime();
    private long busySampled;
    private boolean busy;
    private Connection conn;
    /** The last read stopped at {@link #BATCH_BYTES}: the reader should not rest. */
    private volatile boolean filled;
    /** Whether the earlier release's table may still hold something; null until looked. */
    private Boolean legacy;

    SqliteOutbox(SqliteDatabase db, SqliteStore store, EmbeddedEngine engine) {
        this.db = db;
        this.store = store;
        this.engine = engine;
    }

    @Override
    public void start() {
        engine.record(true);
    }

    @Override
    public synchronized List<Entry> read(Map<String, String> after, int max) {
        try {
            if (conn == null) conn = db.connect();
            if (legacy == null) legacy = legacyTableExists();
            if (legacy) {
                List<Entry> old = readLegacy(position(after, LEGACY_STREAM), max);
                if (!old.isEmpty()) return old;
                // Everything it held is applied (positions are committed with what they applied).
                legacy = false;
                store.inNextCommit("DROP TABLE IF EXISTS outbox");
                log.info("event=legacy_outbox_read note=\"the outbox table of an earlier release is read and dropped\"");
            }
            return readJournal(position(after, STREAM), max);
        } catch (SQLException e) {
            closeQuietly();
            throw new IllegalStateException("cannot read the outbox: " + e.getMessage(), e);
        }
    }

    /** The journal's newest committed row: once the earlier release's table is known gone, nothing else feeds a read. */
    @Override
    public synchronized long version() {
        return Boolean.FALSE.equals(legacy) ? store.newest() : -1;
    }

    private List<Entry> readJournal(long from, int max) throws SQLException {
        long asked = from;
        from = checked(from);
        List<Entry> out = new ArrayList<>(Math.min(max, 1024));
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT seq, site_id, kind, last_activity, data FROM journal
                WHERE seq > ? AND kind IN (%d, %d) ORDER BY seq LIMIT ?"""
                .formatted(GroupCommitWriter.KIND_NOTICES, GroupCommitWriter.KIND_PUT_VIEWED))) {
            ps.setLong(1, from);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                int held = 0;
                long bytes = 0;
                while (held < max && bytes < BATCH_BYTES && rs.next()) {
                    long seq = rs.getLong(1);
                    byte[] data = rs.getBytes(5);
                    List<Notice.Recorded> notices = notices(seq, rs.getInt(3), data);
                    out.add(new Entry(STREAM, Long.toString(seq), rs.getString(2), rs.getLong(4), notices));
                    held += Math.max(1, notices.size());
                    bytes += data == null ? 0 : data.length;
                }
                filled = bytes >= BATCH_BYTES && held < max;
            }
        }
        // Nothing left past a skip: an entry without notices still moves the reader's position.
        if (out.isEmpty() && from != asked) out.add(new Entry(STREAM, Long.toString(from), null, 0, List.of()));
        return out;
    }

    /** A row that cannot be read is passed over, logged, rather than stopping the history at it for good. */
    private static List<Notice.Recorded> notices(long seq, int kind, byte[] data) {
        try {
            if (kind == GroupCommitWriter.KIND_PUT_VIEWED) return List.of(new Notice.PageViewed(VisitorCodec.read(data)));
            List<Notice.Recorded> out = new ArrayList<>(2);
            for (Notice n : NoticeCodec.read(new String(data, StandardCharsets.UTF_8))) if (n instanceof Notice.Recorded r) out.add(r);
            return out;
        } catch (RuntimeException e) {
            log.error("event=outbox_entry_unreadable seq={} error=\"{}\"", seq, e.getMessage());
            return List.of();
        }
    }

    /**
     * Where reading goes on: past rows the writer gave up before they were read (the history fell
     * too far behind), and from the start of a journal that is not the one the position was taken
     * in (the live database was replaced, the history's kept).
     */
    private long checked(long from) throws SQLException {
        long first;
        long last;
        // One aggregate per SELECT: SQLite reads min() or max() of the key from one end of the tree only
        // when it is the query's sole aggregate; both in one SELECT scanned the journal on every read.
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT coalesce((SELECT min(seq) FROM journal), 0), coalesce((SELECT max(seq) FROM journal), 0)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            first = rs.getLong(1);
            last = rs.getLong(2);
        }
        if (from > last) {
            log.warn("event=outbox_restarted position={} newest={} note=\"the live database is not the one the history read; reading it from its start\"",
                    from, last);
            return 0;
        }
        if (from > 0 && first - 1 > from) {
            long lost = first - 1 - from;
            dropped.addAndGet(lost);
            log.error("event=outbox_overflow dropped={} note=\"the history fell more than {} changes behind; the oldest were given up\"",
                    lost, GroupCommitWriter.KEPT_FOR_READER);
            return first - 1;
        }
        return from;
    }

    private boolean legacyTableExists() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private List<Entry> readLegacy(long from, int max) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT seq, site_id, at, notices FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, from);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    List<Notice.Recorded> notices = notices(seq, GroupCommitWriter.KIND_NOTICES, rs.getString(4).getBytes(StandardCharsets.UTF_8));
                    out.add(new Entry(LEGACY_STREAM, Long.toString(seq), rs.getString(2), rs.getLong(3), notices));
                }
            }
        }
        return out;
    }

    private static long position(Map<String, String> after, String stream) {
        String p = after.get(stream);
        return p == null ? 0 : Long.parseLong(p);
    }

    @Override
    public synchronized void done(Map<String, String> upTo) {
        String seq = upTo.get(STREAM);
        if (seq != null) store.read(Long.parseLong(seq));
        String old = upTo.get(LEGACY_STREAM);
        if (old != null && Boolean.TRUE.equals(legacy)) store.inNextCommit("DELETE FROM outbox WHERE seq <= " + Long.parseLong(old));
    }

    /** Judged over the time since it was last asked, or the last quarter second, whichever is longer. */
    @Override
    public synchronized boolean busy() {
        long now = System.nanoTime();
        if (now - busySampledAt < 250_000_000L) return busy;
        long spent = store.busyNanos();
        busy = (spent - busySampled) >= BUSY * (now - busySampledAt);
        busySampled = spent;
        busySampledAt = now;
        return busy;
    }

    @Override
    public boolean filled() {
        return filled;
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
