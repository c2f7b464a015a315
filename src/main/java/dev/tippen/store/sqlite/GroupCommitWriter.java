package dev.tippen.store.sqlite;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.store.StoreException;
import dev.tippen.store.StoredJson;
import dev.tippen.store.VisitorStore.PutInvite;
import dev.tippen.store.VisitorStore.PutVisitor;
import dev.tippen.store.VisitorStore.RemoveInvite;
import dev.tippen.store.VisitorStore.RemoveVisitor;
import dev.tippen.store.VisitorStore.Write;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns the write connection. It takes whatever writes are queued, stores them in one
 * transaction (one fsync), and only then completes their futures. A burst of N events costs one commit,
 * not N. The queue is bounded: when it is full, new writes fail at once as overloaded.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private record Job(List<Write> writes, Promise<Void> done) {}

    /** Writes to the same row within a batch collapse into the last one. */
    private record RowKey(boolean invite, String siteId, String visitorId) {}

    private final BlockingQueue<Job> queue;
    private final int maxBatch;
    private final SqliteDatabase db;
    private final TippenMetrics metrics;
    // Owned by the writer thread; replaced after a failed commit (see reopen()).
    private Connection conn;
    private PreparedStatement putVisitor;
    private PreparedStatement removeVisitor;
    private PreparedStatement putInvite;
    private PreparedStatement removeInvite;
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean healthy = true;
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
                INSERT INTO visitors (site_id, visitor_id, last_activity, data) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_activity = excluded.last_activity, data = excluded.data""");
        removeVisitor = conn.prepareStatement("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?");
        putInvite = conn.prepareStatement("""
                INSERT OR REPLACE INTO invites (site_id, visitor_id, invite_id, guest_url, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)""");
        removeInvite = conn.prepareStatement("DELETE FROM invites WHERE site_id = ? AND visitor_id = ?");
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

    Future<Void> submit(List<Write> writes) {
        if (!accepting) return Future.failedFuture(new StoreException("storage is shutting down", false, null));
        Promise<Void> done = Promise.promise();
        if (!queue.offer(new Job(writes, done))) {
            return Future.failedFuture(new StoreException("storage queue is full", true, null));
        }
        return done.future();
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
        Map<RowKey, Write> rows = new LinkedHashMap<>();
        for (Job job : batch) {
            for (Write w : job.writes()) {
                boolean invite = w instanceof PutInvite || w instanceof RemoveInvite;
                rows.put(new RowKey(invite, w.siteId(), w.visitorId()), w);
            }
        }
        long started = System.nanoTime();
        try {
            if (conn == null) open();
            for (Write w : rows.values()) {
                if (w instanceof PutVisitor p) {
                    putVisitor.setString(1, p.siteId());
                    putVisitor.setString(2, p.visitorId());
                    putVisitor.setLong(3, p.visitor().lastActivity());
                    putVisitor.setString(4, StoredJson.write(p.visitor()));
                    putVisitor.addBatch();
                } else if (w instanceof RemoveVisitor r) {
                    removeVisitor.setString(1, r.siteId());
                    removeVisitor.setString(2, r.visitorId());
                    removeVisitor.addBatch();
                } else if (w instanceof PutInvite p) {
                    putInvite.setString(1, p.siteId());
                    putInvite.setString(2, p.visitorId());
                    putInvite.setString(3, p.invite().inviteId());
                    putInvite.setString(4, p.invite().guestUrl());
                    putInvite.setLong(5, p.invite().createdAt());
                    putInvite.setLong(6, p.invite().expiresAt());
                    putInvite.addBatch();
                } else if (w instanceof RemoveInvite r) {
                    removeInvite.setString(1, r.siteId());
                    removeInvite.setString(2, r.visitorId());
                    removeInvite.addBatch();
                }
            }
            putVisitor.executeBatch();
            removeVisitor.executeBatch();
            putInvite.executeBatch();
            removeInvite.executeBatch();
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            if (healthy) log.error("event=store_commit_failed error=\"{}\"", e.toString());
            healthy = false;
            fail(batch, e);
            if (conn != null) reopen();
            return;
        }
        if (!healthy) log.info("event=store_recovered");
        healthy = true;
        metrics.storeCommit(System.nanoTime() - started, rows.size());
        for (Job job : batch) job.done().tryComplete();
    }

    private void fail(List<Job> batch, Exception cause) {
        StoreException e = new StoreException("storage unavailable: " + cause.getMessage(), false, cause);
        for (Job job : batch) job.done().tryFail(e);
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
