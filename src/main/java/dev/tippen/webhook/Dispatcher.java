package dev.tippen.webhook;

import dev.tippen.config.Durations;
import dev.tippen.config.WebhookOptions;
import dev.tippen.history.Dialect;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.prometheus.metrics.core.metrics.Counter;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the deliveries outbox holds, on the node that holds the history's lease. One thread
 * decides what to send (per endpoint: what is due, within its in-flight limit and, for Slack, its
 * rate); a fixed pool of sender threads makes the requests and writes each outcome. An endpoint with
 * nothing due is looked at again when its next delivery falls due, when something is queued for
 * it, or every few seconds, whichever comes first.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final long TICK_MILLIS = 250;
    private static final long RECHECK_MILLIS = 5_000;
    private static final long ENDPOINTS_REFRESH_MILLIS = 1_000;
    private static final long HOUSEKEEPING_MILLIS = 60_000;
    private static final long ORPHANS_MILLIS = 3_600_000;
    /** A Slack group's payloads in memory at most (a visit.ended with its whole trail can be large). */
    private static final long GROUP_BYTES = 1_000_000;
    /** Finished deliveries are kept this long for the deliveries log. */
    static final Duration LOG_RETENTION = Duration.ofDays(30);

    private final DataSource pool;
    private final Dialect dialect;
    private final boolean singleNode;
    private final BooleanSupplier leader;
    private final WebhookOptions options;
    private final Sender sender;
    private final Counter results;
    private final Thread thread;
    private final ThreadPoolExecutor senders;
    private final Semaphore slots;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    /** Requests in flight per site: a site holds at most {@link #siteShare} senders, so one cannot starve the others. */
    private final Map<String, Integer> inFlightBySite = new ConcurrentHashMap<>();
    private final int siteShare;
    private final Map<String, Long> lookAt = new ConcurrentHashMap<>();
    private final Map<String, Bucket> slackRates = new HashMap<>();
    private final Object signal = new Object();
    private volatile boolean running = true;
    private volatile long backlog;
    private volatile long oldestPending = -1;
    private Map<String, Endpoint> endpoints = Map.of();
    private volatile long endpointsAt;
    private long housekeptAt;
    private long orphansAt;
    private long backlogAt;
    private boolean wasLeader;

    /** Told each time a site at its share of the senders has deliveries waiting (counted as a limit). */
    private final Runnable atShare;

    Dispatcher(DataSource pool, Dialect dialect, BooleanSupplier leader, boolean singleNode, WebhookOptions options, Sender sender,
               Counter results, Runnable atShare) {
        this.atShare = atShare;
        this.pool = pool;
        this.dialect = dialect;
        this.singleNode = singleNode;
        this.leader = leader;
        this.options = options;
        this.sender = sender;
        this.results = results;
        this.slots = new Semaphore(options.senders());
        this.siteShare = siteShare(options.senders());
        this.senders = new ThreadPoolExecutor(options.senders(), options.senders(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(options.senders()), r -> {
                    Thread t = new Thread(r, "tippen-webhook-sender");
                    t.setDaemon(true);
                    return t;
                });
        this.thread = new Thread(this::run, "tippen-webhooks");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** A quarter of the senders, at least one: four sites with slow receivers still leave room for the rest. */
    static int siteShare(int senders) {
        return Math.max(1, senders / 4);
    }

    /** Something was queued for these endpoints (or changed about them): look at them now. */
    void wake(Iterable<String> endpointIds) {
        for (String id : endpointIds) lookAt.put(id, 0L);
        endpointsAt = 0;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    long backlog() {
        return backlog;
    }

    double oldestPendingSeconds() {
        long o = oldestPending;
        return o < 0 ? 0 : Math.max(0, (System.currentTimeMillis() - o) / 1000.0);
    }

    private void run() {
        boolean failing = false;
        while (running) {
            try {
                if (!leader.getAsBoolean()) {
                    wasLeader = false;
                    pause(1_000);
                    continue;
                }
                tick(System.currentTimeMillis());
                if (failing) log.info("event=webhooks_recovered");
                failing = false;
            } catch (SQLException | RuntimeException e) {
                if (!failing) log.error("event=webhooks_failed error=\"{}\" note=\"deliveries wait in the outbox\"", e.getMessage());
                failing = true;
                pause(1_000);
                continue;
            }
            // Nothing to deliver to: only new endpoints can change that, and a change here wakes the loop.
            pause(endpoints.isEmpty() ? ENDPOINTS_REFRESH_MILLIS : TICK_MILLIS);
        }
    }

    private void tick(long now) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            if (!wasLeader) {
                // With one node nobody else can hold a claim: those left by a process that died are free.
                if (singleNode) DeliveryStore.releaseAll(c);
                wasLeader = true;
                endpointsAt = 0;
            }
            if (now - endpointsAt >= ENDPOINTS_REFRESH_MILLIS) refreshEndpoints(c, now);
            for (Endpoint ep : endpoints.values()) {
                if (!running) return;
                if (ep.pausedUntil() > now || lookAt.getOrDefault(ep.id(), 0L) > now) continue;
                dispatch(c, ep, now);
            }
            housekeep(c, now);
        }
    }

    private void refreshEndpoints(Connection c, long now) throws SQLException {
        Map<String, Endpoint> fresh = new LinkedHashMap<>();
        for (Endpoint e : EndpointStore.enabled(c)) fresh.put(e.id(), e);
        for (String id : new ArrayList<>(lookAt.keySet())) if (!fresh.containsKey(id)) lookAt.remove(id);
        slackRates.keySet().retainAll(fresh.keySet());
        endpoints = fresh;
        endpointsAt = now;
    }

    private void dispatch(Connection c, Endpoint ep, long now) throws SQLException {
        boolean slack = ep.kind() == Endpoint.Kind.SLACK;
        int limit = slack ? 1 : options.concurrency();
        while (inFlight.getOrDefault(ep.id(), 0) < limit) {
            if (inFlightBySite.getOrDefault(ep.siteId(), 0) >= siteShare) {
                atShare.run();
                return;
            }
            List<String> due = DeliveryStore.due(c, ep.id(), now, slack ? SlackMessage.MAX_GROUP : 1, GROUP_BYTES);
            if (due.isEmpty()) {
                Long next = DeliveryStore.nextDue(c, ep.id());
                lookAt.put(ep.id(), Math.min(now + RECHECK_MILLIS, next == null ? Long.MAX_VALUE : Math.max(next, now + TICK_MILLIS)));
                return;
            }
            if (slack && !slackRate(ep.id()).tryConsume(1)) return;
            if (!slots.tryAcquire()) return;
            List<Delivery.Claimed> claimed = DeliveryStore.claim(c, due, now, now + options.timeout().toMillis() + 15_000);
            if (claimed.isEmpty()) {
                slots.release();
                return;
            }
            inFlight.merge(ep.id(), 1, Integer::sum);
            inFlightBySite.merge(ep.siteId(), 1, Integer::sum);
            senders.execute(() -> send(ep, claimed));
        }
    }

    /** Slack takes about one message a second per webhook, with short bursts. */
    private Bucket slackRate(String endpointId) {
        return slackRates.computeIfAbsent(endpointId, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(3).refillGreedy(1, Duration.ofSeconds(1)).build()).build());
    }

    private void send(Endpoint cached, List<Delivery.Claimed> batch) {
        Endpoint ep = cached;
        try {
            // The endpoint as it is now: an edit, a rotation or a disabling since the last refresh counts.
            ep = current(cached.id());
            if (ep == null || !ep.enabled()) {
                release(batch);
                lookAt.put(cached.id(), System.currentTimeMillis() + ENDPOINTS_REFRESH_MILLIS);
                endpointsAt = 0;
                return;
            }
            long now = System.currentTimeMillis();
            byte[] body;
            Map<String, String> headers = new LinkedHashMap<>();
            if (ep.kind() == Endpoint.Kind.SLACK) {
                List<JsonObject> payloads = new ArrayList<>(batch.size());
                for (Delivery.Claimed d : batch) payloads.add(new JsonObject(d.payload()));
                body = SlackMessage.of(payloads).encode().getBytes(StandardCharsets.UTF_8);
            } else {
                Delivery.Claimed d = batch.get(0);
                body = d.payload().getBytes(StandardCharsets.UTF_8);
                long ts = now / 1000;
                headers.put("webhook-id", d.messageId());
                headers.put("webhook-timestamp", Long.toString(ts));
                headers.put("webhook-signature", Signature.header(ep.signingSecrets(now), d.messageId(), ts, body));
            }
            Sender.Outcome o = sender.post(ep.url(), body, headers);
            record(ep, batch, o);
        } catch (SQLException | RuntimeException e) {
            log.error("event=webhook_record_failed endpoint={} error=\"{}\" note=\"the delivery is sent again once its claim lapses\"",
                    cached.id(), e.getMessage());
        } finally {
            inFlight.computeIfPresent(cached.id(), (k, n) -> n <= 1 ? null : n - 1);
            inFlightBySite.computeIfPresent(cached.siteId(), (k, n) -> n <= 1 ? null : n - 1);
            slots.release();
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    private Endpoint current(String id) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            return EndpointStore.byId(c, id);
        }
    }

    private void release(List<Delivery.Claimed> batch) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            for (Delivery.Claimed d : batch) DeliveryStore.release(c, d.id());
        }
    }

    private void record(Endpoint ep, List<Delivery.Claimed> batch, Sender.Outcome o) throws SQLException {
        long now = System.currentTimeMillis();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                dialect.takeWriteLock(c);
                for (Delivery.Claimed d : batch) {
                    DeliveryStore.attempt(c, d.id(), now, o.status(), o.durationMillis(), o.response(), o.error());
                }
                if (o.ok()) {
                    for (Delivery.Claimed d : batch) DeliveryStore.finish(c, d.id(), Delivery.DELIVERED, o.status(), now);
                    EndpointStore.succeeded(c, ep.id());
                    results.labelValues("delivered").inc(batch.size());
                } else {
                    failed(c, ep, batch, o, now);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void failed(Connection c, Endpoint ep, List<Delivery.Claimed> batch, Sender.Outcome o, long now) throws SQLException {
        String gone = gone(ep, o);
        if (gone != null) {
            EndpointStore.disable(c, ep.id(), gone, now);
            log.warn("event=webhook_disabled endpoint={} site={} reason=\"{}\"", ep.id(), ep.siteId(), gone);
            for (Delivery.Claimed d : batch) DeliveryStore.release(c, d.id());
            results.labelValues("disabled").inc(batch.size());
            lookAt.put(ep.id(), Long.MAX_VALUE);
            endpointsAt = 0;
            return;
        }
        Long retryAfter = o.retryAfterMillis();
        if (retryAfter != null && (o.status() == 429 || o.status() == 503)) EndpointStore.pause(c, ep.id(), now + retryAfter);
        for (Delivery.Claimed d : batch) {
            int tries = d.tries() + 1;
            if (tries >= options.retries().size()) {
                DeliveryStore.finish(c, d.id(), Delivery.FAILED, o.status(), now);
                results.labelValues("failed").inc();
            } else {
                long wait = jitter(options.retries().get(tries).toMillis());
                if (retryAfter != null) wait = Math.max(wait, retryAfter);
                DeliveryStore.retry(c, d.id(), o.status(), now + wait, true);
                results.labelValues("retried").inc();
            }
        }
        long since = EndpointStore.failed(c, ep.id(), now);
        if (now - since >= options.disableAfter().toMillis()) {
            String why = "failing without a success for " + Durations.format(options.disableAfter());
            EndpointStore.disable(c, ep.id(), why, now);
            lookAt.put(ep.id(), Long.MAX_VALUE);
            endpointsAt = 0;
            log.warn("event=webhook_disabled endpoint={} site={} reason=\"{}\"", ep.id(), ep.siteId(), why);
        }
    }

    /** Why an answer means the endpoint is gone for good, or null. */
    private static String gone(Endpoint ep, Sender.Outcome o) {
        Integer s = o.status();
        if (s == null) return null;
        if (ep.kind() == Endpoint.Kind.SLACK && (s == 404 || s == 410)) {
            String body = o.response() == null ? "" : o.response().trim();
            return "Slack answered " + s + (body.isEmpty() ? "" : " " + clip(body, 80)) + ": the webhook or its channel is gone";
        }
        if (s == 410) return "the receiver answered 410 Gone";
        return null;
    }

    private static long jitter(long millis) {
        if (millis <= 0) return 0;
        return (long) (millis * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    private void housekeep(Connection c, long now) throws SQLException {
        if (now - backlogAt >= 5_000) {
            long[] b = DeliveryStore.backlog(c);
            backlog = b[0];
            oldestPending = b[1];
            backlogAt = now;
        }
        if (now - housekeptAt < HOUSEKEEPING_MILLIS) return;
        housekeptAt = now;
        int n;
        do {
            n = DeliveryStore.pruneFinished(c, now - LOG_RETENTION.toMillis(), 500);
        } while (n == 500 && running);
        if (now - orphansAt >= ORPHANS_MILLIS) {
            orphansAt = now;
            do {
                n = DeliveryStore.pruneOrphans(c, 500);
            } while (n == 500 && running);
        }
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private void pause(long millis) {
        synchronized (signal) {
            try {
                signal.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdown();
        try {
            senders.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.shutdownNow();
        sender.close();
    }
}
