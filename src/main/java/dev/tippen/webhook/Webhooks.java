package dev.tippen.webhook;

import dev.tippen.config.WebhookOptions;
import dev.tippen.history.HistoryDatabase;
import dev.tippen.history.HistoryListener;
import dev.tippen.http.ApiError;
import dev.tippen.metrics.TippenMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack and signed webhooks: the notifier that queues deliveries inside the history's
 * transactions, the dispatcher that sends them from one node, and the work the API asks of the
 * store, on worker threads of their own (at most {@link #MAX_WAITING} wait; the next gets a 503).
 */
public final class Webhooks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
    static final int MAX_WAITING = 32;

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final WebhookOptions options;
    private final TargetGuard guard;
    private final Payloads payloads;
    private final DataSource pool;
    private final AutoCloseable poolCloser;
    private final Dispatcher dispatcher;
    private final Notifier notifier;
    private final WorkerExecutor workers;
    private final dev.tippen.history.Dialect dialect;
    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    private Webhooks(Vertx vertx, HistoryDatabase db, BooleanSupplier leader, boolean singleNode, WebhookOptions options,
                     String publicUrl, TippenMetrics metrics) {
        this.options = options;
        this.guard = new TargetGuard(options.allowHttp(), options.allowPrivate());
        this.payloads = new Payloads(publicUrl);
        var hikari = db.pool("tippen-webhooks", 3);
        this.pool = hikari;
        this.poolCloser = hikari;
        Counter results = metrics.counter("tippen_webhook_deliveries_total",
                "Webhook deliveries by result: delivered, retried, failed (retries exhausted), dropped (queue full), disabled", "result");
        this.dispatcher = new Dispatcher(pool, db.dialect(), leader, singleNode, options,
                new Sender(guard, options.timeout(), options.senders()), results, () -> metrics.rateLimited("webhook_senders_site"));
        this.notifier = new Notifier(payloads, options.queueLimit(), n -> results.labelValues("dropped").inc(n), dispatcher::wake);
        metrics.gauge("tippen_webhook_queue_depth", "Webhook deliveries not yet delivered, over every endpoint", dispatcher::backlog);
        metrics.gauge("tippen_webhook_oldest_pending_seconds", "Age of the oldest webhook delivery not yet delivered",
                dispatcher::oldestPendingSeconds);
        this.workers = vertx.createSharedWorkerExecutor("tippen-webhooks-api", 2);
        this.dialect = db.dialect();
    }

    /** Starts sending; {@code leader} says whether this node holds the history's lease (and so sends). */
    /** {@code singleNode}: this node is the only one (no Redis), so claims left by a process that died are free at start. */
    public static Webhooks start(Vertx vertx, HistoryDatabase db, BooleanSupplier leader, boolean singleNode, WebhookOptions options,
                                 String publicUrl, TippenMetrics metrics) {
        Webhooks w = new Webhooks(vertx, db, leader, singleNode, options, publicUrl, metrics);
        w.dispatcher.start();
        log.info("event=webhooks_started senders={} queue_limit={} allow_http={} allow_private={}", options.senders(),
                options.queueLimit(), options.allowHttp(), options.allowPrivate());
        return w;
    }

    /** The history's listener that queues deliveries. */
    public HistoryListener notifier() {
        return notifier;
    }

    WebhookOptions options() {
        return options;
    }

    TargetGuard guard() {
        return guard;
    }

    Payloads payloads() {
        return payloads;
    }

    void wake(String endpointId) {
        dispatcher.wake(java.util.List.of(endpointId));
    }

    /** Work outside a transaction (reads, each statement on its own, and the DNS checks): it never holds the write lock. */
    <T> Future<T> read(Work<T> work) {
        return submit(work, true);
    }

    /** Store work in one transaction (and blocking DNS checks) on a webhooks worker; never on the caller's event loop. */
    <T> Future<T> run(Work<T> work) {
        return submit(work, false);
    }

    private <T> Future<T> submit(Work<T> work, boolean autoCommit) {
        if (!waiting.tryAcquire()) return Future.failedFuture(ApiError.unavailable("the webhooks store is busy; try again shortly", 1));
        return workers.<T>executeBlocking(() -> {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(autoCommit);
                if (autoCommit) return work.run(c);
                try {
                    dialect.takeWriteLock(c);
                    T out = work.run(c);
                    c.commit();
                    return out;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                log.warn("event=webhooks_store_failed error=\"{}\"", e.getMessage());
                throw ApiError.unavailable("the webhooks store cannot be reached right now", 5);
            }
        }, false).onComplete(ar -> waiting.release());
    }

    @Override
    public void close() {
        dispatcher.close();
        workers.close();
        try {
            poolCloser.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
