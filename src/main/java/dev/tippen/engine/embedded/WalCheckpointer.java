package dev.tippen.engine.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the database file on a thread of its own: every
 * {@link #BUSY_EVERY_MILLIS} while the log grows, once a second while it does not. SQLite would
 * otherwise checkpoint inside whichever commit crossed 1,000 pages, and that commit, and every
 * acknowledgement waiting on it, would stall for the checkpoint's fsync (measured: p99 of tracking
 * at half load 250 ms, p50 2 ms). PASSIVE never blocks the writer (it syncs the file after what it
 * copies, holding no lock the writer needs), but the writer's own fsync waits behind the file's on
 * the disk: a second's worth of log under saturating load was 15,000 pages, 30 to 90 ms to sync,
 * and every commit meanwhile as slow. A tenth of a second's worth syncs in about 5 ms.
 *
 * <p>The log only starts again from the top when a write begins after every frame has been copied,
 * and under steady traffic a new commit usually lands while PASSIVE is copying. So once the log
 * passes {@link #RESTART_FRAMES}, the writer is asked to copy the last frames itself, between two
 * commits ({@link GroupCommitWriter#restartLogSoon}), so the commit after starts the log over, where
 * {@code journal_size_limit} trims it. A RESTART checkpoint from here did the same, but it blocks new
 * writers until it has copied, synced, and seen every reader of the log move on (the history reads
 * all the time): 50 to 450 ms, every few seconds under 2,000 events/s, the tail of every acknowledgement
 * (measured). ChurnTest (a day of visitors in 48 one-second waves) keeps the log under its bound.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
    static final long JOURNAL_SIZE_LIMIT = 16L * 1024 * 1024;
    /** 4,096 pages of 4 KiB: the log size at which a checkpoint also restarts the log. */
    static final int RESTART_FRAMES = 4096;
    /**
     * How often the log is copied while commits add to it (measured under saturating tracking, p99 of
     * the acknowledgements: 1 s 70–77 ms, 200 ms 35 ms, 100 ms 26–30 ms, 50 ms and 25 ms no better).
     */
    static final long BUSY_EVERY_MILLIS = 100;
    /** How often an idle log is looked at: one wake-up a second costs an idle node nothing it would notice. */
    static final long IDLE_EVERY_MILLIS = 1000;

    private final Connection conn;
    private final GroupCommitWriter writer;
    private final Thread thread;
    /** How long after an erasure the log is emptied every few seconds, and how often. */
    static final long SCRUB_FOR_MILLIS = 120_000;
    static final long SCRUB_EVERY_MILLIS = 5_000;

    private volatile boolean running = true;
    private volatile long scrubUntil;
    private long scrubbedAt;
    private boolean failing;

    WalCheckpointer(SqliteDatabase db, GroupCommitWriter writer) throws SQLException {
        this.conn = db.connect();
        this.writer = writer;
        this.thread = new Thread(this::run, "tippen-store-checkpoint");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Applied to the writer's connection: no checkpoints inside commits. */
    static void disableAutomaticCheckpoints(Connection writer) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("PRAGMA journal_size_limit=" + JOURNAL_SIZE_LIMIT);
        }
    }

    private void run() {
        long pause = IDLE_EVERY_MILLIS;
        int lastFrames = -1;
        while (running) {
            try {
                Thread.sleep(pause);
                long started = System.nanoTime();
                int frames = checkpoint("PASSIVE");
                // The log's length moves whenever a commit added to it (or the log started over).
                pause = frames != lastFrames ? BUSY_EVERY_MILLIS : IDLE_EVERY_MILLIS;
                lastFrames = frames;
                long now = System.currentTimeMillis();
                if (now < scrubUntil && now - scrubbedAt >= SCRUB_EVERY_MILLIS) {
                    // The log still holds page images from before the erasure: copy them over and cut it to nothing.
                    checkpoint("TRUNCATE");
                    scrubbedAt = now;
                } else if (frames > RESTART_FRAMES) {
                    writer.restartLogSoon();
                }
                long took = (System.nanoTime() - started) / 1_000_000;
                if (took > 50) log.info("event=slow_checkpoint millis={} frames={}", took, frames);
                if (failing) log.info("event=checkpoint_recovered");
                failing = false;
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                // Once per outage, not at every attempt: a full disk would otherwise flood the log.
                if (!failing) log.warn("event=checkpoint_failed error=\"{}\"", e.getMessage());
                failing = true;
            }
        }
    }

    /**
     * An erasure was committed. Its rows are overwritten in the database file as they are deleted
     * (secure_delete), but the log keeps earlier page images until it is cut, and the journal rows
     * that carried the visitor leave only once the history has them. So for the next two minutes the
     * log is truncated every five seconds: each cut is a short wait for the writer's current commit.
     */
    void scrubSoon() {
        scrubUntil = System.currentTimeMillis() + SCRUB_FOR_MILLIS;
        scrubbedAt = 0;
    }

    /** Runs one checkpoint; returns how many frames the log held. */
    private int checkpoint(String mode) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            return rs.next() ? rs.getInt(2) : 0;
        }
    }

    /** A last full checkpoint, so a clean stop leaves everything in the database file. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            conn.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            log.warn("event=checkpoint_failed error=\"{}\"", e.getMessage());
        }
    }
}
