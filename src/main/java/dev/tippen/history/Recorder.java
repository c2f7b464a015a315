package dev.tippen.history;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.stream.Outbox;
import io.prometheus.metrics.core.metrics.Counter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history's one writer: a thread of its own that reads the outbox, applies each batch in one
 * transaction together with the positions it reached (so a batch applied again after a crash is
 * recognised), lets the listeners (the notifications) add their part to the same transaction, and
 * only then lets the outbox forget the batch. Between batches it deletes what retention expired.
 * Nothing of it runs on an event loop, and tracking never waits for it.
 */
final class Recorder implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    /**
     * At most this many changes in one transaction (the embedded outbox also stops at
     * {@link Outbox#BATCH_BYTES} of them as stored). A page view rewrites its visit's row and adds a
     * page row, each on a leaf page of its own B-tree: a larger batch writes each page it touches once
     * for more rows, so catching up writes a fraction of the bytes per change (measured; see
     * docs/performance.md), and slows tracking's commits on the same disk that much less.
     */
    static final int BATCH = 8_000;
    /**
     * A batch that was not full is followed by a rest until this long after it began: the history
     * then writes a few large transactions a second rather than one per change, which under a
     * saturating load cost tracking a third of its rate on two cores (measured; see docs/performance.md).
     */
    static final long PACE_MILLIS = 500;
    /**
     * While the writes feeding the outbox are saturated ({@link Outbox#busy()}), the history rests,
     * so a burst of tracking keeps its full rate (taking even a tenth of the time cost it a tenth or
     * more on two cores: measured, see docs/performance.md); it catches up when the burst ends. Past
     * this lag it takes what it needs.
     */
    static final long DEFER_MAX_LAG_MILLIS = 30_000;
    private static final long REST_MILLIS = 250;
    /** How often a hurried writer with nothing to do looks at the outbox again. */
    private static final long HURRIED_POLL_MILLIS = 20;
    /** A hurry lasts this long unless asked again (whoever waits asks again while it waits). */
    private static final long HURRY_MILLIS = 1_000;
    private static final long FOLLOWER_SLEEP_MILLIS = 1_000;

    private final HistoryDatabase db;
    private final Outbox outbox;
    private final Retention retention;
    private final List<HistoryListener> listeners;
    private final Counter applied;
    private final Counter deferred;
    private final long deferMaxLagMillis;
    private final long maxBytesPerSite;
    private final TippenMetrics metrics;
    private volatile boolean running = true;
    /** How far behind the last batch read was, and when that was: while resting, the lag grows from it. */
    private volatile long lagMillis;
    private volatile long lagMeasuredAt = System.currentTimeMillis();
    private volatile boolean resting;
    /** Until when someone waits for the history (an erasure to answer): no resting, no pacing. */
    private volatile long hurryUntil;
    /** How many times someone asked to hurry: a pause ends when this moves. */
    private final java.util.concurrent.atomic.AtomicLong hurries = new java.util.concurrent.atomic.AtomicLong();
    private final Thread thread;
    private Connection conn;
    private HistoryWriter writer;
    private Map<String, String> positions;
    /** The outbox's {@link Outbox#version} when a read last came back empty: until it moves, there is nothing to read. */
    private long emptyAt = -1;
    private boolean failing;
    private long optimizedAt = Long.MIN_VALUE / 2;
    private static final long OPTIMIZE_EVERY_MILLIS = 3_600_000;

    /** {@code maxBytesPerSite}: what one site may keep (0: no limit; see {@link SiteUsage}). */
    Recorder(HistoryDatabase db, Outbox outbox, Retention retention, List<HistoryListener> listeners, TippenMetrics metrics,
             long maxBytesPerSite) {
        this(db, outbox, retention, listeners, metrics, DEFER_MAX_LAG_MILLIS, maxBytesPerSite);
    }

    /** {@code deferMaxLagMillis}: how far behind resting may let the history fall (tests shorten it). */
    Recorder(HistoryDatabase db, Outbox outbox, Retention retention, List<HistoryListener> listeners, TippenMetrics metrics,
             long deferMaxLagMillis, long maxBytesPerSite) {
        this.deferMaxLagMillis = deferMaxLagMillis;
        this.maxBytesPerSite = maxBytesPerSite;
        this.metrics = metrics;
        this.db = db;
        this.outbox = outbox;
        this.retention = retention;
        this.listeners = List.copyOf(listeners);
        this.applied = metrics.counter("tippen_history_changes_total", "Recorded changes applied to the history");
        this.deferred = metrics.counter("tippen_history_deferred_seconds_total",
                "Time the history writer rested while tracking saturated the writes it reads");
        metrics.gauge("tippen_history_lag_seconds", "How far the history is behind the changes it has read (while it rests, at most)",
                () -> lag(System.currentTimeMillis()) / 1000.0);
        metrics.gauge("tippen_history_dropped", "Recorded changes the outbox gave up because the history fell too far behind",
                outbox::dropped);
        this.thread = new Thread(this, "tippen-history");
        thread.setDaemon(true);
    }

    void start() {
        outbox.start();
        thread.start();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (!outbox.leader()) {
                    positions = null;
                    if (writer != null) writer.forget();
                    sleep(FOLLOWER_SLEEP_MILLIS);
                    continue;
                }
                long began = System.currentTimeMillis();
                boolean hurried = began < hurryUntil;
                if (outbox.busy() && lag(began) < deferMaxLagMillis && !hurried) {
                    // Until a batch measures it again, the lag is told as growing from where it was.
                    resting = true;
                    deferred.inc(REST_MILLIS / 1000.0);
                    sleep(REST_MILLIS);
                    continue;
                }
                int n = step();
                if (failing) {
                    failing = false;
                    log.info("event=history_recovered");
                }
                // Behind when the read stopped at a bound (its count or its bytes): more waits.
                if (n < BATCH && !outbox.filled()) {
                    optimizeNowAndThen();
                    if (retention.step(connection(), db.dialect())) {
                        if (writer != null) {
                            writer.forget();
                            writer.reloadUsage();
                        }
                    } else if (!hurried || n == 0) {
                        pause(began + (hurried ? HURRIED_POLL_MILLIS : PACE_MILLIS) - System.currentTimeMillis());
                    }
                }
            } catch (Exception e) {
                rollbackQuietly();
                if (!failing) {
                    failing = true;
                    log.error("event=history_write_failed error=\"{}\" note=\"changes wait in the outbox and are applied once the history can be written\"",
                            e.getMessage());
                }
                positions = null;
                sleep(1_000);
            }
        }
    }

    /** How far behind the history is: as last measured, or, since it last rested, at most that plus the time since. */
    private long lag(long now) {
        return resting ? lagMillis + (now - lagMeasuredAt) : lagMillis;
    }

    /**
     * One batch: returns how many changes it applied (an entry may hold several: the embedded
     * outbox keeps all of a sweep's ends together), so a full batch is told from a short one.
     */
    int step() throws SQLException {
        Connection c = connection();
        if (positions == null) {
            positions = positions(c);
            emptyAt = -1;
        }
        long version = outbox.version();
        List<Outbox.Entry> entries = version >= 0 && version == emptyAt ? List.of() : outbox.read(positions, BATCH);
        if (entries.isEmpty()) {
            emptyAt = version;
            lagMillis = 0;
            lagMeasuredAt = System.currentTimeMillis();
            resting = false;
            return 0;
        }
        HistoryWriter writer = writer(c);
        // Other writers share the database (the webhooks): hold the lock from the batch's start.
        db.dialect().takeWriteLock(c);
        List<HistoryEvent> events = writer.apply(entries);
        int refused = writer.refused();
        if (refused > 0) metrics.rateLimited("history_bytes_site", refused);
        Map<String, String> reached = new HashMap<>();
        for (Outbox.Entry e : entries) reached.put(e.stream(), e.position());
        for (Map.Entry<String, String> r : reached.entrySet()) writer.position(r.getKey(), r.getValue());
        for (HistoryListener l : listeners) l.recorded(c, db.dialect(), events);
        c.commit();
        if (events.stream().anyMatch(e -> e instanceof HistoryEvent.VisitorErased)) db.scrub(c);
        for (HistoryListener l : listeners) l.committed();
        positions.putAll(reached);
        outbox.done(reached);
        Outbox.Entry last = entries.get(entries.size() - 1);
        if (last.at() > 0) {
            lagMeasuredAt = System.currentTimeMillis();
            lagMillis = Math.max(0, lagMeasuredAt - last.at());
            resting = false;
        }
        int changes = 0;
        for (Outbox.Entry e : entries) changes += Math.max(1, e.notices().size());
        applied.inc(changes);
        return changes;
    }

    /**
     * SQLite plans queries from statistics it gathers only when asked: without them it chose to scan a
     * site's invites rather than use their index. PRAGMA optimize (bounded by analysis_limit) refreshes
     * them when the tables changed enough, at start and then hourly. PostgreSQL's autovacuum does this itself.
     */
    private void optimizeNowAndThen() throws SQLException {
        long now = System.currentTimeMillis();
        if (db.dialect() != Dialect.SQLITE || now - optimizedAt < OPTIMIZE_EVERY_MILLIS) return;
        optimizedAt = now;
        Connection c = connection();
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA analysis_limit=1000");
            st.execute("PRAGMA optimize=0x10002");
        }
        c.commit();
    }

    private Map<String, String> positions(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT stream, position FROM positions"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        c.commit();
        return out;
    }

    private Connection connection() throws SQLException {
        if (conn == null || conn.isClosed()) {
            conn = db.writer();
            writer = null;
        }
        return conn;
    }

    private HistoryWriter writer(Connection c) throws SQLException {
        if (writer == null) writer = new HistoryWriter(c, db.dialect(), maxBytesPerSite);
        return writer;
    }

    private void rollbackQuietly() {
        if (writer != null) writer.close();
        writer = null;
        try {
            if (conn != null) conn.rollback();
        } catch (SQLException ignored) {
            // the connection is dropped below
        }
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // nothing more to do with it
        }
        conn = null;
    }

    /** Someone waits for the history: for a while, batches follow each other without a rest. */
    void hurry() {
        hurryUntil = System.currentTimeMillis() + HURRY_MILLIS;
        hurries.incrementAndGet();
        java.util.concurrent.locks.LockSupport.unpark(thread);
    }

    /** A pause between batches that {@link #hurry} cuts short. */
    private void pause(long millis) {
        long until = System.currentTimeMillis() + millis;
        long seen = hurries.get();
        while (running && millis > 0 && hurries.get() == seen) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, millis * 1_000_000L);
            millis = until - System.currentTimeMillis();
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) return;
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops after the batch in hand; waits for it. */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rollbackQuietly();
    }
}
