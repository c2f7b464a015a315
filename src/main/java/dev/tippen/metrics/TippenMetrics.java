package dev.tippen.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Every figure /metrics shows, in one registry per server (tests run several servers in one JVM). */
public final class TippenMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter events;
    private final Counter dropped;
    private final Counter behind;
    private final Counter limited;
    private final Histogram commitSeconds;
    private final Histogram batchSize;
    private final Histogram trackSeconds;
    private final Gauge sockets;
    private final Counter botEvents;
    private final Counter remoteLookups;
    private final Counter ipDataReloads;
    private final Counter userAgents;
    private final Counter expired;
    private final Counter conflicts;
    private final Counter resyncs;
    private final AtomicLong liveVisitors = new AtomicLong();
    private final AtomicLong hiddenBots = new AtomicLong();
    private final LongAdder eventCount = new LongAdder();
    private volatile double eventsPerSecond;
    private long lastCount;
    private long lastSampleNanos = System.nanoTime();

    public TippenMetrics() {
        requests = Counter.builder().name("tippen_http_requests_total")
                .help("HTTP requests by route and status").labelNames("route", "status").register(registry);
        events = Counter.builder().name("tippen_events_total")
                .help("Tracking events stored, by event").labelNames("event").register(registry);
        dropped = Counter.builder().name("tippen_sockets_closed_slow_total")
                .help("Sockets closed because they stopped reading").labelNames("kind").register(registry);
        behind = Counter.builder().name("tippen_dashboards_behind_total")
                .help("Times a dashboard fell more than half its write budget behind and was sent a fresh list once caught up")
                .register(registry);
        limited = Counter.builder().name("tippen_rate_limited_total")
                .help("Requests, visitors and sockets refused or closed by a limit, by limit (see docs/operations.md, Limits)").labelNames("limit").register(registry);
        commitSeconds = Histogram.builder().name("tippen_store_commit_seconds")
                .help("Time to make one batch durable").classicOnly()
                .classicUpperBounds(.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5).register(registry);
        batchSize = Histogram.builder().name("tippen_store_batch_rows")
                .help("Rows written per commit").classicOnly()
                .classicUpperBounds(1, 2, 5, 10, 50, 100, 500, 1000, 5000).register(registry);
        // From the request's head to its answer: what a tracker waits for a durable event, GC pauses and
        // the commit included (time in the kernel's socket buffer before the head is read is not).
        trackSeconds = Histogram.builder().name("tippen_track_seconds")
                .help("Time from a tracking request's arrival to its 200 answer (the event durable)").classicOnly()
                .classicUpperBounds(.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5).register(registry);
        sockets = Gauge.builder().name("tippen_open_sockets")
                .help("Open WebSockets by kind").labelNames("kind").register(registry);
        botEvents = Counter.builder().name("tippen_bot_events_total")
                .help("Tracking events from visitors flagged as bots (stored, not shown unless --show-bots)")
                .register(registry);
        remoteLookups = Counter.builder().name("tippen_enrich_remote_total")
                .help("Remote enrichment lookups by outcome").labelNames("outcome").register(registry);
        ipDataReloads = Counter.builder().name("tippen_ip_data_reloads_total")
                .help("Reloads of the offline IP databases by result").labelNames("result").register(registry);
        userAgents = Counter.builder().name("tippen_user_agents_parsed_total")
                .help("New User-Agent strings: parsed on a worker, or given the rough answer because the parsers were busy")
                .labelNames("outcome").register(registry);
        expired = Counter.builder().name("tippen_visitors_expired_total")
                .help("Visitors (live or departed) removed after the idle timeout by this node's sweeps").register(registry);
        conflicts = Counter.builder().name("tippen_redis_conflicts_total")
                .help("Visitor changes retried because another node changed the visitor first").register(registry);
        resyncs = Counter.builder().name("tippen_redis_resyncs_total")
                .help("Dashboards sent a fresh list because this node may have missed messages (Redis reconnect, gap)")
                .register(registry);
        GaugeWithCallback.builder().name("tippen_live_visitors").help("Live visitors across all sites")
                .callback(cb -> cb.call(liveVisitors.get())).register(registry);
        GaugeWithCallback.builder().name("tippen_hidden_bots")
                .help("Live visitors flagged as bots and so left off the dashboards (not with --show-bots); each site's count is in its lists")
                .callback(cb -> cb.call(hiddenBots.get())).register(registry);
        GaugeWithCallback.builder().name("tippen_events_per_second")
                .help("Stored events per second over the last sampling period")
                .callback(cb -> cb.call(eventsPerSecond)).register(registry);
        // Sockets cost mostly native memory (Netty's pooled buffers), which heap figures do not show.
        GaugeWithCallback.builder().name("tippen_netty_direct_memory_bytes")
                .help("Direct memory held by Netty's allocators (-1 when Netty does not track it)")
                .callback(cb -> cb.call(io.netty.util.internal.PlatformDependent.usedDirectMemory())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** A counter a feature owns (history, webhooks): registered here, so /metrics shows it. */
    public Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /** A gauge read when /metrics is scraped. */
    public void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** Each series' data point, looked up once: the hot path counts without allocating. */
    private final ConcurrentHashMap<String, CounterDataPoint> eventPoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CounterDataPoint[]> requestPoints = new ConcurrentHashMap<>();

    /** Routes are a fixed set (unknown paths count as "other"), statuses 100-599. */
    public void request(String route, int status) {
        if (status < 100 || status > 599) status = 599;
        CounterDataPoint[] byStatus = requestPoints.computeIfAbsent(route, r -> new CounterDataPoint[600]);
        CounterDataPoint point = byStatus[status];
        if (point == null) byStatus[status] = point = requests.labelValues(route, Integer.toString(status));
        point.inc();
    }

    public void event(String type) {
        eventPoints.computeIfAbsent(type, events::labelValues).inc();
        eventCount.increment();
    }

    public void liveVisitors(long delta) {
        liveVisitors.addAndGet(delta);
    }

    public void hiddenBots(long delta) {
        hiddenBots.addAndGet(delta);
    }

    public void socketOpened(String kind) {
        sockets.labelValues(kind).inc();
    }

    public void socketClosed(String kind) {
        sockets.labelValues(kind).dec();
    }

    /** A dashboard fell behind: its updates are dropped until it has taken its backlog, then it gets a fresh list. */
    public void dashboardBehind() {
        behind.inc();
    }

    public void slowSocketClosed(String kind) {
        dropped.labelValues(kind).inc();
    }

    /**
     * A limit refused or closed something: counted by limit, and said in the log at most once per
     * {@link #LIMIT_LOG_MILLIS} per limit, with how many times it bit since, so a flood cannot fill the log.
     */
    public void rateLimited(String limit) {
        rateLimited(limit, 1);
    }

    public void rateLimited(String limit, long times) {
        limited.labelValues(limit).inc(times);
        limitLog.computeIfAbsent(limit, k -> new LimitLog()).bit(limit, times);
    }

    static final long LIMIT_LOG_MILLIS = 10_000;
    private static final org.slf4j.Logger limitLogger = org.slf4j.LoggerFactory.getLogger("dev.tippen.limits");
    private final ConcurrentHashMap<String, LimitLog> limitLog = new ConcurrentHashMap<>();

    private static final class LimitLog {
        private final LongAdder since = new LongAdder();
        private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE / 2);

        void bit(String limit, long times) {
            since.add(times);
            long now = System.currentTimeMillis();
            long last = lastLogged.get();
            if (now - last < LIMIT_LOG_MILLIS || !lastLogged.compareAndSet(last, now)) return;
            limitLogger.warn("event=limit_reached limit={} times={}", limit, since.sumThenReset());
        }
    }

    public void expired(int count) {
        expired.inc(count);
    }

    public void conflict() {
        conflicts.inc();
    }

    public void resync() {
        resyncs.inc();
    }

    public void botEvent() {
        botEvents.inc();
    }

    /** found, not_found, cached, error, timeout, circuit_open, busy. */
    public void remoteLookup(String outcome) {
        remoteLookups.labelValues(outcome).inc();
    }

    /** parsed or rough. */
    public void userAgent(String outcome) {
        userAgents.labelValues(outcome).inc();
    }

    public void ipDataReload(boolean ok) {
        ipDataReloads.labelValues(ok ? "ok" : "failed").inc();
    }

    public void storeCommit(long nanos, int rows) {
        commitSeconds.observe(nanos / 1e9);
        batchSize.observe(rows);
    }

    /** A tracking request answered 200, {@code nanos} after it arrived. */
    public void tracked(long nanos) {
        trackSeconds.observe(nanos / 1e9);
    }

    /** Called once a second by the server. */
    public synchronized void sample() {
        long now = System.nanoTime();
        long count = eventCount.sum();
        double secs = (now - lastSampleNanos) / 1e9;
        if (secs > 0) eventsPerSecond = (count - lastCount) / secs;
        lastCount = count;
        lastSampleNanos = now;
    }

    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
