package dev.tippen.engine.embedded;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.visitor.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns the write connection. It takes whatever writes are queued, stores them in one
 * transaction (one fsync), and only then completes their futures: one task per site lane for the
 * whole batch, not one per write. A burst of N events costs one commit, not N. The queue is bounded:
 * when it is full, new writes fail at once as overloaded.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private record Job(Context lane, List<Write> writes, Promise<Void> done) {}

    /** What a batch leaves of one visitor's row: its last full write, and the activity after it. */
    private static final class Row {
        Write.Put put;
        Write.Touch touch;
        boolean removed;
    }

    private record RowKey(String siteId, String visitorId) {}

    private final BlockingQueue<Job> queue;
    private final int maxBatch;
    private final SqliteDatabase db;
    private final TippenMetrics metrics;
    // Owned by the writer thread; replaced after a failed commit (see reopen()).
    private Connection conn;
    private PreparedStatement putVisitor;
    private PreparedStatement touchVisitor;
    private PreparedStatement removeVisitor;
    private PreparedStatement record;
    private PreparedStatement prune;
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean healthy = true;
    /** Outbox rows up to this sequence number were read by every consumer and may go. */
    private volatile long prunable;
    private long pruned;
    private long lastProbe;

    GroupCommitWriter(SqliteDatabase db, int capacity, int maxBatch, TippenMetrics metrics) throws SQLException {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        this.db = db;
        open();
        this.thread = new Thread(this::run, "tippen-store-writer");
        this.thread.start();
    }

    private void open() throws SQLException {
        conn = db.connect();
        WalCheckpointer.disableAutomaticCheckpoints(conn);
        conn.setAutoCommit(false);
        // Prepared once per connection: the writer thread is their only user.
        putVisitor = conn.prepareStatement("""
                INSERT INTO visitors (site_id, visitor_id, last_activity, data, last_event, client_ts) VALUES (?, ?, ?, ?, NULL, NULL)
                ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_activity = excluded.last_activity, data = excluded.data,
                  last_event = NULL, client_ts = NULL""");
        touchVisitor = conn.prepareStatement(
                "UPDATE visitors SET last_activity = ?, last_event = ?, client_ts = ? WHERE site_id = ? AND visitor_id = ?");
        removeVisitor = conn.prepareStatement("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?");
        record = conn.prepareStatement("INSERT INTO outbox (site_id, at, notices) VALUES (?, ?, ?)");
        prune = conn.prepareStatement("DELETE FROM outbox WHERE seq <= ?");
    }

    /**
     * After a failed commit the connection's transaction state is unknown: SQLite rolls back by itself
     * on SQLITE_FULL and I/O errors, and the driver then runs later statements outside any transaction.
     * A fresh connection is the one state we can be sure of. If even that fails (the disk is still
     * gone), the next batch tries again.
     */
    private void reopen() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // Closing a connection we are replacing; its state is what we are getting rid of.
        }
        try {
            open();
        } catch (SQLException e) {
            conn = null;
            log.warn("event=store_reopen_failed error=\"{}\"", e.getMessage());
        }
    }

    /** Completes on {@code lane} once the writes are durable. */
    Future<Void> submit(Context lane, List<Write> writes) {
        if (!accepting) return Future.failedFuture(new StoreException("storage is shutting down", false, null));
        Promise<Void> done = Promise.promise();
        if (!queue.offer(new Job(lane, writes, done))) {
            return Future.failedFuture(new StoreException("storage queue is full", true, null));
        }
        return done.future();
    }

    /** Outbox rows up to {@code seq} may be deleted; done in a later commit, by this thread. */
    void prunable(long seq) {
        if (seq > prunable) prunable = seq;
    }

    boolean healthy() {
        return healthy;
    }

    private void run() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!healthy) probe();
                    else if (prunable > pruned) commit(batch);
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // Never let the writer die: fail this batch and keep serving the next.
                log.error("event=store_writer_error error=\"{}\"", e.toString(), e);
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * While storage is failing and no events arrive, a small write once a second finds out when it works
     * again (space freed, disk remounted), so readiness recovers without waiting for traffic that a
     * load balancer is no longer sending.
     */
    private void probe() {
        long now = System.currentTimeMillis();
        if (now - lastProbe < 1000) return;
        lastProbe = now;
        try {
            if (conn == null) open();
            try (PreparedStatement st = conn.prepareStatement("INSERT OR REPLACE INTO meta (k, v) VALUES ('write_probe', ?)")) {
                st.setString(1, Long.toString(now));
                st.executeUpdate();
            }
            conn.commit();
            healthy = true;
            log.info("event=store_recovered");
        } catch (SQLException e) {
            if (conn != null) reopen();
        }
    }

    private void commit(List<Job> batch) {
        Map<RowKey, Row> rows = new HashMap<>();
        List<Write.Record> records = new ArrayList<>();
        for (Job job : batch) {
            for (Write w : job.writes()) {
                if (w instanceof Write.Record r) {
                    records.add(r);
                    continue;
                }
                if (w instanceof Write.Put p) {
                    Row row = rows.computeIfAbsent(new RowKey(p.siteId(), p.visitorId()), k -> new Row());
                    row.put = p;
                    row.touch = null;
                    row.removed = false;
                } else if (w instanceof Write.Touch t) {
                    rows.computeIfAbsent(new RowKey(t.siteId(), t.visitorId()), k -> new Row()).touch = t;
                } else if (w instanceof Write.Remove r) {
                    Row row = rows.computeIfAbsent(new RowKey(r.siteId(), r.visitorId()), k -> new Row());
                    row.put = null;
                    row.touch = null;
                    row.removed = true;
                }
            }
        }
        long prune = prunable;
        long started = System.nanoTime();
        try {
            if (conn == null) open();
            for (Map.Entry<RowKey, Row> e : rows.entrySet()) {
                RowKey k = e.getKey();
                Row row = e.getValue();
                if (row.removed) {
                    removeVisitor.setString(1, k.siteId());
                    removeVisitor.setString(2, k.visitorId());
                    removeVisitor.addBatch();
                }
                if (row.put != null) {
                    putVisitor.setString(1, k.siteId());
                    putVisitor.setString(2, k.visitorId());
                    putVisitor.setLong(3, row.put.lastActivity());
                    putVisitor.setString(4, row.put.json());
                    putVisitor.addBatch();
                }
                if (row.touch != null) {
                    touchVisitor.setLong(1, row.touch.lastActivity());
                    touchVisitor.setString(2, row.touch.lastEvent());
                    touchVisitor.setString(3, row.touch.clientTimestamp());
                    touchVisitor.setString(4, k.siteId());
                    touchVisitor.setString(5, k.visitorId());
                    touchVisitor.addBatch();
                }
            }
            for (Write.Record r : records) {
                record.setString(1, r.siteId());
                record.setLong(2, r.at());
                record.setString(3, r.notices());
                record.addBatch();
            }
            removeVisitor.executeBatch();
            putVisitor.executeBatch();
            touchVisitor.executeBatch();
            if (!records.isEmpty()) record.executeBatch();
            if (prune > pruned) {
                this.prune.setLong(1, prune);
                this.prune.executeUpdate();
            }
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            if (healthy) log.error("event=store_commit_failed error=\"{}\"", e.toString());
            healthy = false;
            fail(batch, e);
            if (conn != null) reopen();
            return;
        }
        pruned = Math.max(pruned, prune);
        if (!healthy) log.info("event=store_recovered");
        healthy = true;
        if (batch.isEmpty()) return;
        metrics.storeCommit(System.nanoTime() - started, rows.size() + records.size());
        complete(batch);
    }

    /** One task per lane completes all of that lane's writes of the batch, in their order. */
    private static void complete(List<Job> batch) {
        Map<Context, List<Promise<Void>>> byLane = new IdentityHashMap<>();
        for (Job job : batch) byLane.computeIfAbsent(job.lane(), k -> new ArrayList<>()).add(job.done());
        byLane.forEach((lane, promises) -> lane.runOnContext(v -> {
            for (Promise<Void> p : promises) p.tryComplete();
        }));
    }

    private void fail(List<Job> batch, Exception cause) {
        StoreException e = new StoreException("storage unavailable: " + cause.getMessage(), false, cause);
        Map<Context, List<Promise<Void>>> byLane = new IdentityHashMap<>();
        for (Job job : batch) byLane.computeIfAbsent(job.lane(), k -> new ArrayList<>()).add(job.done());
        byLane.forEach((lane, promises) -> lane.runOnContext(v -> {
            for (Promise<Void> p : promises) p.tryFail(e);
        }));
    }

    /** Stops accepting, stores everything already queued, then closes the connection. */
    @Override
    public void close() {
        accepting = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // Closing after the last commit; nothing left to lose.
        }
    }
}
