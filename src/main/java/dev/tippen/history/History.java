package dev.tippen.history;

import dev.tippen.http.ApiError;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.stream.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every visit remembered: the recorder that builds the history from the outbox, and the queries the
 * API asks of it. Queries run on a few worker threads of their own; at most {@link #MAX_WAITING}
 * wait, the next is answered 503 at once, so a flood of reports cannot queue without bound.
 */
public final class History implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(History.class);
    static final int MAX_WAITING = 64;

    @FunctionalInterface
    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private final HistoryDatabase db;
    private final Recorder recorder;
    private final WorkerExecutor workers;
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    private History(HistoryDatabase db, Recorder recorder, WorkerExecutor workers) {
        this.db = db;
        this.recorder = recorder;
        this.workers = workers;
    }

    /** Starts recording the outbox into the database; listeners hear what each batch taught. */
    public static History start(Vertx vertx, HistoryDatabase db, Outbox outbox, Duration retention, long maxBytesPerSite,
                                List<HistoryListener> listeners, TippenMetrics metrics, Clock clock) {
        Recorder recorder = new Recorder(db, outbox, new Retention(retention, clock), listeners, metrics, maxBytesPerSite);
        History h = new History(db, recorder, vertx.createSharedWorkerExecutor("tippen-history-queries", 4));
        recorder.start();
        log.info("event=history_started store=\"{}\" retention={}", db.describe(), dev.tippen.config.Durations.format(retention));
        return h;
    }

    Future<HistoryReader.VisitPage> visits(VisitQuery q) {
        return query(c -> HistoryReader.visits(c, q));
    }

    Future<HistoryReader.Profile> profile(String siteId, String visitorId) {
        return query(c -> HistoryReader.profile(c, siteId, visitorId));
    }

    /** What the operator sees of a site: page views of today's visits, bytes stored, webhook endpoints failing or turned off by failures. */
    public record SiteStats(long pageViewsToday, long storedBytes, long failingWebhooks) {
        public static final SiteStats NONE = new SiteStats(0, 0, 0);
    }

    /** Every site's figures in three grouped reads. */
    public Future<java.util.Map<String, SiteStats>> siteStats(long now) {
        return query(c -> {
            java.util.Map<String, long[]> m = new java.util.HashMap<>();
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT site_id, SUM(page_views) FROM visits WHERE day = ? GROUP BY site_id")) {
                ps.setLong(1, Days.of(now));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) m.computeIfAbsent(rs.getString(1), k -> new long[3])[0] = rs.getLong(2);
                }
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT site_id, bytes FROM site_usage"); java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) m.computeIfAbsent(rs.getString(1), k -> new long[3])[1] = rs.getLong(2);
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT site_id, COUNT(*) FROM webhook_endpoints "
                    + "WHERE failing_since IS NOT NULL OR disabled_reason IS NOT NULL GROUP BY site_id"); java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) m.computeIfAbsent(rs.getString(1), k -> new long[3])[2] = rs.getLong(2);
            }
            java.util.Map<String, SiteStats> out = new java.util.HashMap<>();
            m.forEach((k, v) -> out.put(k, new SiteStats(v[0], v[1], v[2])));
            return out;
        });
    }

    /**
     * Forgets a site: once the erasure named {@code receipt} is applied (so everything recorded
     * before it is too; polled up to {@code waitMillis}), deletes every row the history and the
     * webhooks keep for the site in one transaction, overwriting them in the file.
     */
    public Future<Void> forgetSite(Vertx vertx, String siteId, String receipt, long waitMillis) {
        io.vertx.core.Promise<Boolean> applied = io.vertx.core.Promise.promise();
        waitFor(vertx, receipt, System.currentTimeMillis() + waitMillis, applied);
        return applied.future().compose(done -> {
            if (!done) return Future.failedFuture(ApiError.unavailable("the history is still catching up; delete again in a minute", 60));
            return workers.<Void>executeBlocking(() -> {
                try (Connection c = db.writer()) {
                    String[] deletes = {
                        "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries WHERE site_id = ?)",
                        "DELETE FROM webhook_deliveries WHERE site_id = ?", "DELETE FROM webhook_endpoints WHERE site_id = ?",
                        "DELETE FROM pages WHERE site_id = ?", "DELETE FROM invites WHERE site_id = ?", "DELETE FROM visits WHERE site_id = ?",
                        "DELETE FROM visitors WHERE site_id = ?", "DELETE FROM daily WHERE site_id = ?", "DELETE FROM companies WHERE site_id = ?",
                        "DELETE FROM site_usage WHERE site_id = ?"};
                    for (String sql : deletes) {
                        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                            ps.setString(1, siteId);
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                    db.scrub(c);
                }
                return null;
            }, false);
        });
    }

    private void waitFor(Vertx vertx, String receipt, long giveUpAt, io.vertx.core.Promise<Boolean> done) {
        hurry();
        erased(receipt).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) done.complete(true);
            else if (System.currentTimeMillis() >= giveUpAt) done.complete(false);
            else vertx.setTimer(50, id -> waitFor(vertx, receipt, giveUpAt, done));
        });
    }

    Future<CallLog.Page> calls(String siteId, Keyset after, int limit) {
        return query(c -> CallLog.page(c, siteId, after, limit));
    }

    /** Stores feedback on a call; false when the history holds no such call yet (it is a moment behind the live state). */
    Future<Boolean> feedback(String siteId, String callId, InviteEntry.Feedback f) {
        if (!waiting.tryAcquire()) return Future.failedFuture(ApiError.unavailable("the history is busy; try again shortly", 1));
        return workers.<Boolean>executeBlocking(() -> {
            try (Connection c = db.writer()) {
                boolean stored = CallLog.feedback(c, siteId, callId, f);
                c.commit();
                return stored;
            } catch (SQLException e) {
                log.warn("event=history_write_failed error=\"{}\"", e.getMessage());
                throw ApiError.unavailable("the history cannot be written right now", 5);
            }
        }, false).onComplete(ar -> waiting.release());
    }

    Future<List<AgentRow>> agents(String siteId, long from, long to, int limit) {
        return query(c -> AgentRow.read(c, siteId, from, to, limit));
    }

    Future<List<ReportRow>> report(ReportQuery q) {
        return query(c -> HistoryReader.report(c, q));
    }

    /** Whether the erasure that chose {@code receipt} is applied in the history. */
    Future<Boolean> erased(String receipt) {
        return query(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM erasures WHERE receipt = ?")) {
                ps.setString(1, receipt);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Someone waits for what the outbox holds: this node's writer (if it is the one writing) takes it without resting. */
    void hurry() {
        recorder.hurry();
    }

    /** Runs a query on a history worker; never on the caller's event loop. */
    public <T> Future<T> query(Query<T> q) {
        if (!waiting.tryAcquire()) return Future.failedFuture(ApiError.unavailable("the history is busy; try again shortly", 1));
        return workers.<T>executeBlocking(() -> {
            try (Connection c = db.reader()) {
                return q.run(c);
            } catch (SQLException e) {
                log.warn("event=history_query_failed error=\"{}\"", e.getMessage());
                throw ApiError.unavailable("the history cannot be read right now", 5);
            } catch (OutOfMemoryError e) {
                // A query must never take the server down with it; every query's memory is bounded,
                // so this is a bug to report, and the caller gets a clear answer meanwhile.
                log.error("event=history_query_out_of_memory");
                throw ApiError.unavailable("the history query needed more memory than the server has", 30);
            }
        }, false).onComplete(ar -> waiting.release());
    }

    @Override
    public void close() {
        recorder.stop();
        workers.close();
        db.close();
    }
}
