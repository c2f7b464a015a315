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
    /** At most this many changes in hand: decoded, a worst-case one is about 15 KB of heap. */
    static final int BATCH = 1_000;
    /**
     * A batch that was not full is followed by a rest until this long after it began: the history
     * then writes a few large transactions a second rather than one per change, which under a
     * saturating load cost tracking a third of its rate on two cores (measured; see docs/performance.md).
     */
    static final long PACE_MILLIS = 500;
    /**
     * While the machine's CPUs are saturated, the history takes a tenth of a core, so a burst of
     * tracking keeps its rate; it catches up when the burst ends. Past this lag it takes what it needs.
     */
    static final long DEFER_MAX_LAG_MILLIS = 30_000;
    static final double SATURATED = 0.85;
    private static final int YIELD_FACTOR = 9;
    private static final long FOLLOWER_SLEEP_MILLIS = 1_000;

    private final HistoryDatabase db;
    private final Outbox outbox;
    private final Retention retention;
    private final List<HistoryListener> listeners;
    private final Counter applied;
    private final Counter deferred;
    private final java.util.function.DoubleSupplier cpuLoad;
    private volatile boolean running = true;
    private volatile long lagMillis;
    private final Thread thread;
    private Connection conn;
    private HistoryWriter writer;
    private Map<String, String> positions;
    private boolean failing;
    private long optimizedAt = Long.MIN_VALUE / 2;
    private static final long OPTIMIZE_EVERY_MILLIS = 3_600_000;

    Recorder(HistoryDatabase db, Outbox outbox, Retention retention, List<HistoryListener> listeners, TippenMetrics metrics,
             java.util.function.DoubleSupplier cpuLoad) {
        this.db = db;
        this.outbox = outbox;
        this.retention = retention;
        this.listeners = List.copyOf(listeners);
        this.applied = metrics.counter("tippen_history_changes_total", "Recorded changes applied to the history");
        this.deferred = metrics.counter("tippen_history_deferred_seconds_total",
                "Time the history writer rested to leave saturated CPUs to tracking");
        this.cpuLoad = cpuLoad;
        metrics.gauge("tippen_history_lag_seconds", "How far the history is behind the last change it read",
                () -> lagMillis / 1000.0);
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
                int n = step();
                if (n > 0 && lagMillis < DEFER_MAX_LAG_MILLIS && cpuLoad.getAsDouble() >= SATURATED) {
                    long yieldMillis = Math.min(1_000, Math.max(10, (System.currentTimeMillis() - began) * YIELD_FACTOR));
                    deferred.inc(yieldMillis / 1000.0);
                    sleep(yieldMillis);
                }
                if (failing) {
                    failing = false;
                    log.info("event=history_recovered");
                }
                if (n < BATCH) {
                    optimizeNowAndThen();
                    if (retention.step(connection(), db.dialect())) {
                        if (writer != null) writer.forget();
                    } else {
                        sleep(began + PACE_MILLIS - System.currentTimeMillis());
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

    /**
     * One batch: returns how many changes it applied (an entry may hold several: the embedded
     * outbox keeps a site's changes of one commit together), so a full batch is told from a short one.
     */
    int step() throws SQLException {
        Connection c = connection();
        if (positions == null) positions = positions(c);
        List<Outbox.Entry> entries = outbox.read(positions, BATCH);
        if (entries.isEmpty()) {
            lagMillis = 0;
            return 0;
        }
        HistoryWriter writer = writer(c);
        // Other writers share the database (the webhooks): hold the lock from the batch's start.
        db.dialect().takeWriteLock(c);
        List<HistoryEvent> events = writer.apply(entries);
        Map<String, String> reached = new HashMap<>();
        for (Outbox.Entry e : entries) reached.put(e.stream(), e.position());
        for (Map.Entry<String, String> r : reached.entrySet()) writer.position(r.getKey(), r.getValue());
        for (HistoryListener l : listeners) l.recorded(c, db.dialect(), events);
        c.commit();
        for (HistoryListener l : listeners) l.committed();
        positions.putAll(reached);
        outbox.done(reached);
        Outbox.Entry last = entries.get(entries.size() - 1);
        if (last.at() > 0) {
            lagMillis = Math.max(0, System.currentTimeMillis() - last.at());
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

    private static final java.lang.management.OperatingSystemMXBean OS = java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** How busy the machine's CPUs were since the last call, 0 to 1 (0 when the JVM cannot tell). */
    static double machineCpuLoad() {
        return OS instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getCpuLoad()) : 0;
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

    private HistoryWriter writer(Connection c) {
        if (writer == null) writer = new HistoryWriter(c, db.dialect());
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
