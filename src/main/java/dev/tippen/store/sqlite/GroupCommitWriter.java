package dev.tippen.store.sqlite;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.store.StoreException;
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
    private final Connection conn;
    private final PreparedStatement putVisitor;
    private final PreparedStatement removeVisitor;
    private final PreparedStatement putInvite;
    private final PreparedStatement removeInvite;
    private final TippenMetrics metrics;
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean healthy = true;

    GroupCommitWriter(SqliteDatabase db, int capacity, int maxBatch, TippenMetrics metrics) throws SQLException {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        this.conn = db.connect();
        WalCheckpointer.disableAutomaticCheckpoints(conn);
        this.conn.setAutoCommit(false);
        // Prepared once: the writer thread is their only user, for the life of the connection.
        this.putVisitor = conn.prepareStatement("""
                INSERT INTO visitors (site_id, visitor_id, last_activity, data) VALUES (?, ?, ?, ?)
                ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_activity = excluded.last_activity, data = excluded.data""");
        this.removeVisitor = conn.prepareStatement("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?");
        this.putInvite = conn.prepareStatement("""
                INSERT OR REPLACE INTO invites (site_id, visitor_id, invite_id, guest_url, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?)""");
        this.removeInvite = conn.prepareStatement("DELETE FROM invites WHERE site_id = ? AND visitor_id = ?");
        this.thread = new Thread(this::run, "tippen-store-writer");
        this.thread.start();
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
                if (first == null) continue;
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
            clearBatches();
            rollbackQuietly();
            if (healthy) log.error("event=store_commit_failed error=\"{}\"", e.toString());
            healthy = false;
            fail(batch, e);
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

    private void clearBatches() {
        for (PreparedStatement ps : new PreparedStatement[] {putVisitor, removeVisitor, putInvite, removeInvite}) {
            try {
                ps.clearBatch();
            } catch (SQLException ignored) {
                // A statement that cannot be cleared fails again, visibly, on the next batch.
            }
        }
    }

    private void rollbackQuietly() {
        try {
            conn.rollback();
        } catch (SQLException ignored) {
            // The connection is reset by the next successful transaction.
        }
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
            conn.close();
        } catch (SQLException ignored) {
            // Closing after the last commit; nothing left to lose.
        }
    }
}
