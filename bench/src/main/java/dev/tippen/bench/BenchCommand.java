package dev.tippen.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tippen bench [track] [fanout] [invite] [idle] [realistic] [many-sites] [flood] [enrich] [enrich-lookup] [cluster]}:
 * measures a Tippen server it starts on a
 * scratch data dir, and, in the same run and with the same load, the ceiling server (the bare
 * stack). Prints a human summary and one JSON line per scenario. Loopback only; every load is
 * bounded in count and time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Load-test a fresh local server and the bare-stack ceiling; one JSON line per scenario.")
public final class BenchCommand implements Callable<Integer> {
    static final List<String> ALL = List.of("track", "fanout", "invite", "idle", "realistic", "many-sites", "flood", "capacity");
    /** Need the IP datasets (./tippen fetch-ip-data) or redis-server, so they run only when asked for. */
    static final List<String> ON_REQUEST = List.of("enrich", "enrich-lookup", "cluster", "history", "history-queries", "console", "webhooks",
            "abuse");

    @Parameters(arity = "0..*", description = "Scenarios: ${COMPLETION-CANDIDATES} (default: all).", completionCandidates = Scenarios.class)
    List<String> scenarios;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured time per run (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured load before each run, in seconds (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--connections", defaultValue = "50", description = "track: concurrent connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--history-rounds", defaultValue = "3", description = "history: off/on pairs run back to back (default ${DEFAULT-VALUE}).")
    int historyRounds;

    @Option(names = "--webhook-rate", defaultValue = "2000", description = "webhooks: tracking rate while the receiver is slow (default ${DEFAULT-VALUE}/s).")
    int webhookRate;

    @Option(names = "--visitors", defaultValue = "10000", description = "track: size of the visitor id pool (default ${DEFAULT-VALUE}); with wrk (if installed) too.")
    int visitors;

    @Option(names = "--preload", description = "track: track every visitor of the pool once before measuring, so the site starts full.")
    boolean preload;

    @Option(names = "--fanout-rates", split = ",", defaultValue = "500,2000,5000", description = "fanout: events/s (default ${DEFAULT-VALUE}).")
    List<Integer> fanoutRates;

    @Option(names = "--fanout-console", description = "fanout: dashboards connect as the console does (no trails, removals, parts) instead of as the original's.")
    boolean fanoutConsole;

    @Option(names = "--dashboards", defaultValue = "20", description = "fanout: dashboards on the site (default ${DEFAULT-VALUE}).")
    int dashboards;

    @Option(names = "--invite-sockets", defaultValue = "10000", description = "invite: visitor sockets held open (default ${DEFAULT-VALUE}).")
    int inviteSockets;

    @Option(names = "--invite-rate", defaultValue = "200", description = "invite: invites/s (default ${DEFAULT-VALUE}).")
    int inviteRate;

    @Option(names = "--idle-sockets", split = ",", defaultValue = "2000,10000,19000", description = "idle: socket counts (default ${DEFAULT-VALUE}).")
    List<Integer> idleSockets;

    @Option(names = "--realistic-visitors", defaultValue = "50000", description = "realistic: visitors, each heart-beating every 30 s (default ${DEFAULT-VALUE}).")
    int realisticVisitors;

    @Option(names = "--realistic-sites", defaultValue = "100", description = "realistic: sites the visitors are spread over (default ${DEFAULT-VALUE}).")
    int realisticSites;

    @Option(names = "--realistic-dashboards", defaultValue = "100", description = "realistic: dashboards, spread over the sites (default ${DEFAULT-VALUE}).")
    int realisticDashboards;

    @Option(names = "--realistic-sockets", defaultValue = "1000", description = "realistic: visitors holding a socket for invites (default ${DEFAULT-VALUE}).")
    int realisticSockets;

    @Option(names = "--realistic-invites", defaultValue = "1", description = "realistic: invites/s (default ${DEFAULT-VALUE}).")
    int realisticInvites;

    @Option(names = "--sites", defaultValue = "10000", description = "many-sites: sites (default ${DEFAULT-VALUE}).")
    int manySites;

    @Option(names = "--capacity-visitors", defaultValue = "200000", description = "capacity: typical visitors tracked, two pages each (default ${DEFAULT-VALUE}).")
    int capacityVisitors;

    @Option(names = "--capacity-sockets", defaultValue = "19000", description = "capacity: of them, how many then hold a visitor socket (default ${DEFAULT-VALUE}).")
    int capacitySockets;

    @Option(names = "--visitors-per-site", defaultValue = "3", description = "many-sites: visitors tracked on each site (default ${DEFAULT-VALUE}).")
    int visitorsPerSite;

    @Option(names = "--flood-limit", defaultValue = "500", description = "flood: site A's tracking limit per second; it sends ten times this (default ${DEFAULT-VALUE}).")
    int floodLimit;

    @Option(names = "--flood-b-rate", defaultValue = "200", description = "flood: site B's steady events/s (default ${DEFAULT-VALUE}).")
    int floodBRate;

    @Option(names = "--ip-data", defaultValue = "./ipdata", description = "enrich, enrich-lookup: directory of IP datasets (default ${DEFAULT-VALUE}).")
    java.nio.file.Path ipData;

    @Option(names = "--cluster-rate", defaultValue = "1000", description = "cluster: page views/s for the latency runs (default ${DEFAULT-VALUE}).")
    int clusterRate;

    @Option(names = "--history-visits", defaultValue = "1000000", description = "history-queries: visits seeded over 90 days (default ${DEFAULT-VALUE}).")
    int historyVisits;

    @Option(names = "--history-pages", defaultValue = "5", description = "history-queries: mean page views per visit (default ${DEFAULT-VALUE}).")
    int historyPages;

    @Option(names = "--history-engines", split = ",", defaultValue = "sqlite,postgres",
            description = "history-queries: engines to seed and query (default ${DEFAULT-VALUE}; postgres needs Debian's postgresql).")
    List<String> historyEngines;

    @Option(names = "--console-visitors", defaultValue = "5000", description = "console: live visitors on the site (default ${DEFAULT-VALUE}).")
    int consoleVisitors;

    @Option(names = "--console-rate", defaultValue = "500", description = "console: events/s while the console is open (default ${DEFAULT-VALUE}).")
    int consoleRate;

    @Option(names = "--histogram", description = "idle: also print the server's heap by class with the sockets open.")
    boolean histogram;

    @Option(names = "--server-jvm", defaultValue = "${env:TIPPEN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -Xss512k}",
            description = "JVM options of both servers under test (default: TIPPEN_JAVA_OPTS or ${DEFAULT-VALUE}).")
    String serverJvm;

    @Option(names = "--serve-arg", description = "Extra option for the Tippen server (repeatable), e.g. --serve-arg=--visitor-ttl=1h.")
    List<String> extraServeArgs = List.of();

    /**
     * The load comes from a handful of loopback addresses: abuse limits would measure themselves. The
     * socket budget is raised past what the scenarios hold (the default follows the 512 MiB heap), and
     * one site may take the node's whole visitor memory (the default: half).
     */
    private static final List<String> NO_LIMITS = List.of("--track-limit-ip=off", "--track-limit-site=off",
            "--upgrade-limit-ip=off", "--sockets-per-ip=0", "--invite-limit-site=off", "--socket-memory=1TB",
            "--visitor-memory-per-site=1TB", "--max-sockets-per-site=1000000",
            "--connections-per-ip=0", "--socket-message-limit=off", "--sign-in-limit-ip=off", "--sign-in-limit-site=off",
            "--min-free-disk=0", "--track-bytes-site=0");

    private final ObjectMapper json = new ObjectMapper();

    static final class Scenarios implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ALL.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        List<String> chosen = scenarios == null || scenarios.isEmpty() ? ALL : scenarios;
        for (String s : chosen) {
            if (!ALL.contains(s) && !ON_REQUEST.contains(s)) {
                System.err.println("bench: unknown scenario " + s + " (known: " + ALL + " and " + ON_REQUEST + ")");
                return 2;
            }
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            for (String s : chosen) {
                switch (s) {
                    case "track" -> track(vertx);
                    case "fanout" -> fanout(vertx);
                    case "invite" -> invite(vertx);
                    case "idle" -> idle(vertx);
                    case "realistic" -> realistic(vertx);
                    case "many-sites" -> manySites(vertx);
                    case "enrich" -> enrich(vertx);
                    case "enrich-lookup" -> enrichLookup();
                    case "cluster" -> cluster(vertx);
                    case "history" -> history(vertx);
                    case "history-queries" -> historyQueries();
                    case "console" -> console(vertx);
                    case "webhooks" -> webhooks(vertx);
                    case "abuse" -> abuse(vertx);
                    case "capacity" -> capacity(vertx);
                    default -> flood(vertx);
                }
            }
        } finally {
            vertx.close();
        }
        return 0;
    }

    /**
     * Saturating tracking load from both drivers (wrk when it is installed, and the Java client),
     * each against the ceiling and Tippen in the same run; then, once the history has caught up,
     * Tippen at half wrk's rate, open loop, for latency (wrk has no open loop), and the ceiling at
     * the same rate.
     */
    private void track(Vertx vertx) throws Exception {
        boolean wrk = WrkDriver.available();
        if (!wrk) System.err.println("bench: " + WrkDriver.missing());
        Map<String, Object> ceiling;
        Map<String, Object> ceilingWrk = null;
        try (ChildServer server = ChildServer.ceiling(jvm())) {
            ceiling = measured(() -> TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds));
            if (wrk) ceilingWrk = WrkDriver.saturate(server, connections, visitors, warmup, seconds);
        }
        Map<String, Object> tippen;
        Map<String, Object> tippenWrk = null;
        Map<String, Object> half;
        int rate;
        try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
            if (preload) TrackScenario.preload(vertx, server, visitors);
            tippen = measured(() -> TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds));
            if (wrk) tippenWrk = WrkDriver.saturate(server, connections, visitors, warmup, seconds);
            // The half-rate run measures that rate alone, not it and the history catching up on the saturated runs.
            awaitHistory(server, tippenWrk != null ? tippenWrk : tippen);
            Map<String, Object> fastest = tippenWrk != null ? tippenWrk : tippen;
            rate = (int) Math.max(100, ((Number) fastest.get("requests_per_s")).longValue() / 2);
            half = measured(() -> TrackScenario.paced(vertx, server, rate, visitors, warmup, seconds));
        }
        // The same open-loop rate against the ceiling: what this machine, this client and a
        // collector leave of the tail when the server does no work of its own.
        Map<String, Object> ceilingHalf;
        try (ChildServer server = ChildServer.ceiling(jvm())) {
            ceilingHalf = measured(() -> TrackScenario.paced(vertx, server, rate, visitors, warmup, seconds));
        }
        Map<String, Object> r = scenario("track");
        r.put("tippen", tippen);
        r.put("ceiling", ceiling);
        r.put("ratio_to_ceiling", ratio(tippen.get("requests_per_s"), ceiling.get("requests_per_s")));
        if (wrk) {
            r.put("tippen_wrk", tippenWrk);
            r.put("ceiling_wrk", ceilingWrk);
            r.put("wrk_ratio_to_ceiling", ratio(tippenWrk.get("requests_per_s"), ceilingWrk.get("requests_per_s")));
        }
        r.put("tippen_half_rate", half);
        r.put("ceiling_half_rate", ceilingHalf);
        report(r);
    }

    /**
     * The same tracking load with enrichment off (no IP data) and on (full datasets), in one run,
     * alternating off, on, off, on, after one unreported run that warms the client up: the first
     * server of a run measured slower whatever it was, which a single pair would put on one side.
     */
    private void enrich(Vertx vertx) throws Exception {
        requireIpData();
        String[] addresses = EnrichScenario.addresses(visitors);
        List<String> off = new java.util.ArrayList<>(serveArgs());
        off.addAll(EnrichScenario.TRUST_LOOPBACK);
        off.add("--ip-data-dir=" + java.nio.file.Files.createTempDirectory("tippen-no-ip-data"));
        List<String> on = new java.util.ArrayList<>(serveArgs());
        on.addAll(EnrichScenario.TRUST_LOOPBACK);
        on.add("--ip-data-dir=" + ipData.toAbsolutePath());
        try (ChildServer server = ChildServer.tippen(jvm(), off)) {
            EnrichScenario.track(vertx, server, addresses, connections, warmup, seconds);
        }
        Map<String, Object> r = scenario("enrich");
        long offTotal = 0;
        long onTotal = 0;
        for (int round = 1; round <= 2; round++) {
            Map<String, Object> offResult;
            try (ChildServer server = ChildServer.tippen(jvm(), off)) {
                offResult = measured(() -> EnrichScenario.track(vertx, server, addresses, connections, warmup, seconds));
            }
            Map<String, Object> onResult;
            try (ChildServer server = ChildServer.tippen(jvm(), on)) {
                onResult = measured(() -> EnrichScenario.track(vertx, server, addresses, connections, warmup, seconds));
            }
            r.put("enrichment_off_" + round, offResult);
            r.put("enrichment_on_" + round, onResult);
            offTotal += ((Number) offResult.get("requests_per_s")).longValue();
            onTotal += ((Number) onResult.get("requests_per_s")).longValue();
        }
        r.put("requests_ratio_on_to_off", ratio(onTotal, offTotal));
        report(r);
    }

    /**
     * Several nodes on one Redis against the embedded default, in one run: tracks/s of one node with
     * --redis against one node on SQLite (same saturating load), and the time from a page view to a
     * dashboard's update when both are on one embedded node, on one Redis node, and on two Redis
     * nodes (posted to one, watched on the other). Every run warms up for at least 10 s: the Redis
     * path has more code to compile, and 3 s left its first measured seconds with stalls of up to 1 s.
     */
    private void cluster(Vertx vertx) throws Exception {
        Map<String, Object> r = scenario("cluster");
        int warmup = Math.max(this.warmup, 10);
        r.put("warmup_seconds", warmup);
        long embeddedTotal = 0;
        long redisTotal = 0;
        // Alternated, twice: on this machine one run can lose half its rate to a stall of the host.
        for (int round = 1; round <= 2; round++) {
            Map<String, Object> embedded;
            try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
                embedded = measured(() -> TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds));
            }
            Map<String, Object> redisTrack;
            try (RedisProcess redis = RedisProcess.start();
                 ChildServer node = ChildServer.tippenOnRedis(jvm(), serveArgs(), redis.url(), ChildServer.sitesOnRedis(redis.url(), 1))) {
                long redisCpu0 = redis.cpuMillis();
                redisTrack = measured(() -> TrackScenario.saturate(vertx, node, connections, visitors, warmup, seconds));
                redisTrack.put("redis_cpu_cores", Latencies.round((redis.cpuMillis() - redisCpu0) / 1000.0 / (warmup + seconds)));
            }
            r.put("embedded_track_" + round, embedded);
            r.put("redis_track_" + round, redisTrack);
            embeddedTotal += ((Number) embedded.get("requests_per_s")).longValue();
            redisTotal += ((Number) redisTrack.get("requests_per_s")).longValue();
        }
        r.put("tracks_ratio_redis_to_embedded", ratio(redisTotal, embeddedTotal));
        for (int round = 1; round <= 2; round++) {
            Map<String, Object> embedded;
            try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
                embedded = measured(() -> FanoutScenario.run(vertx, server, dashboards, clusterRate, warmup, seconds));
            }
            Map<String, Object> sameNode;
            Map<String, Object> crossNode;
            try (RedisProcess redis = RedisProcess.start()) {
                List<dev.tippen.site.KeyStore.CreatedSite> sites = ChildServer.sitesOnRedis(redis.url(), 1);
                try (ChildServer a = ChildServer.tippenOnRedis(jvm(), serveArgs(), redis.url(), sites);
                     ChildServer b = ChildServer.tippenOnRedis(jvm(), serveArgs(), redis.url(), sites)) {
                    sameNode = measured(() -> FanoutScenario.run(vertx, a, a, dashboards, clusterRate, warmup, seconds));
                    crossNode = measured(() -> FanoutScenario.run(vertx, a, b, dashboards, clusterRate, warmup, seconds));
                }
            }
            r.put("embedded_fanout_" + round, embedded);
            r.put("redis_same_node_fanout_" + round, sameNode);
            r.put("redis_cross_node_fanout_" + round, crossNode);
            r.put("p50_ratio_cross_node_to_embedded_" + round, ratio(crossNode.get("latency_p50_ms"), embedded.get("latency_p50_ms")));
            r.put("p99_ratio_cross_node_to_embedded_" + round, ratio(crossNode.get("latency_p99_ms"), embedded.get("latency_p99_ms")));
            r.put("p99_ratio_cross_node_to_same_node_" + round, ratio(crossNode.get("latency_p99_ms"), sameNode.get("latency_p99_ms")));
        }
        report(r);
    }

    /**
     * The console in headless Chromium: its first render on an empty site (the baseline), then on a
     * site of --console-visitors while --console-rate events/s arrive; new visitors' time to show;
     * dropped frames; the weight of its files.
     */
    private void console(Vertx vertx) throws Exception {
        if (!ConsoleScenario.available()) {
            System.err.println("bench: console needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
            return;
        }
        Map<String, Object> r = scenario("console");
        double empty;
        try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
            ConsoleScenario.firstRenderMillis(server, 0); // warms the server and the browser's caches up
            empty = ConsoleScenario.firstRenderMillis(server, 0);
            r.put("assets", ConsoleScenario.weight(server));
        }
        r.put("empty_site_first_render_ms", Latencies.round(empty));
        try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
            TrackScenario.preload(vertx, server, consoleVisitors);
            Map<String, Object> loaded = ConsoleScenario.underLoad(vertx, server, consoleVisitors, consoleRate, seconds);
            loaded.put("visitors", consoleVisitors);
            loaded.put("events_per_s", consoleRate);
            r.put("loaded", loaded);
            r.put("first_render_ratio_loaded_to_empty", ratio(((Number) loaded.get("first_render_ms")).doubleValue(), empty));
        }
        report(r);
    }

    /**
     * How far behind the history is now, and how long it takes to catch up (two minutes at most): a
     * saturated server lets its history rest, and catching up is load of its own.
     */
    private static void awaitHistory(ChildServer server, Map<String, Object> into) throws Exception {
        long t0 = System.nanoTime();
        into.put("history_lag_at_end_s", server.metric("tippen_history_lag_seconds"));
        while (server.metric("tippen_history_lag_seconds") > 0 && System.nanoTime() - t0 < 120_000_000_000L) Thread.sleep(100);
        into.put("history_caught_up_after_s", Latencies.round((System.nanoTime() - t0) / 1e9));
    }

    /**
     * Tracking with the history on (the default) against off, the same saturating load, alternated
     * twice after one unreported warm-up run. After each run with history on, how long the history
     * took to catch up with what was acknowledged.
     */
    private void history(Vertx vertx) throws Exception {
        List<String> off = new java.util.ArrayList<>(serveArgs());
        off.add("--history=off");
        try (ChildServer server = ChildServer.tippen(jvm(), off)) {
            TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds);
        }
        Map<String, Object> r = scenario("history");
        long offTotal = 0;
        long onTotal = 0;
        List<Double> pairs = new java.util.ArrayList<>();
        for (int round = 1; round <= historyRounds; round++) {
            Map<String, Object> offResult;
            try (ChildServer server = ChildServer.tippen(jvm(), off)) {
                offResult = measured(() -> TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds));
            }
            Map<String, Object> onResult;
            try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
                onResult = measured(() -> TrackScenario.saturate(vertx, server, connections, visitors, warmup, seconds));
                awaitHistory(server, onResult);
            }
            r.put("history_off_" + round, offResult);
            r.put("history_on_" + round, onResult);
            offTotal += ((Number) offResult.get("requests_per_s")).longValue();
            onTotal += ((Number) onResult.get("requests_per_s")).longValue();
            pairs.add(((Number) onResult.get("requests_per_s")).doubleValue() / ((Number) offResult.get("requests_per_s")).doubleValue());
        }
        r.put("requests_ratio_history_on_to_off", ratio(onTotal, offTotal));
        // Runs of one setting drift by more than the difference sought: each pair ran back to back.
        pairs.sort(null);
        r.put("pair_ratios", pairs.stream().map(Latencies::round).toList());
        r.put("median_pair_ratio_history_on_to_off", Latencies.round(pairs.get(pairs.size() / 2)));
        report(r);
    }

    /**
     * Tracking at a fixed rate, open loop, with no webhook endpoint and then with four pointed at a
     * receiver that holds each request for 10 s: a slow receiver must leave tracking's p99 as it was.
     */
    private void webhooks(Vertx vertx) throws Exception {
        List<String> args = new java.util.ArrayList<>(serveArgs());
        args.addAll(List.of("--webhooks-allow-http", "--webhooks-allow-private"));
        Map<String, Object> r = scenario("webhooks");
        try (WebhookScenario.SlowReceiver rx = new WebhookScenario.SlowReceiver(); ChildServer server = ChildServer.tippen(jvm(), args)) {
            // Each phase brings visitors never seen before, so every phase makes as many arrivals
            // (and, with the endpoints, four deliveries for each).
            TrackScenario.paced(vertx, server, webhookRate, visitors, warmup, seconds, "w_");
            Map<String, Object> none = measured(() -> TrackScenario.paced(vertx, server, webhookRate, visitors, 0, seconds, "a_"));
            WebhookScenario.endpoints(server, rx, 4);
            Map<String, Object> slow = measured(() -> TrackScenario.paced(vertx, server, webhookRate, visitors, 0, seconds, "b_"));
            slow.put("receiver_requests", rx.received.get());
            slow.put("webhook_queue_depth", server.metric("tippen_webhook_queue_depth"));
            slow.put("webhook_oldest_pending_s", server.metric("tippen_webhook_oldest_pending_seconds"));
            slow.put("webhooks_dropped", Math.max(0, server.metric("tippen_webhook_deliveries_total{result=\"dropped\"}")));
            Map<String, Object> again = measured(() -> TrackScenario.paced(vertx, server, webhookRate, visitors, 0, seconds, "c_"));
            again.put("receiver_requests", rx.received.get());
            again.put("webhook_queue_depth", server.metric("tippen_webhook_queue_depth"));
            again.put("webhooks_dropped", Math.max(0, server.metric("tippen_webhook_deliveries_total{result=\"dropped\"}")));
            r.put("no_endpoint", none);
            r.put("slow_receiver", slow);
            r.put("slow_receiver_again", again);
            r.put("p99_ratio_slow_receiver_to_none", ratio(slow.get("latency_p99_ms"), none.get("latency_p99_ms")));
            r.put("p99_ratio_slow_receiver_again_to_none", ratio(again.get("latency_p99_ms"), none.get("latency_p99_ms")));
        }
        report(r);
    }

    /** A seeded history of --history-visits visits over 90 days, queried through a server's API, on each engine. */
    private void historyQueries() throws Exception {
        Map<String, Object> r = scenario("history-queries");
        long end = System.currentTimeMillis();
        for (String engine : historyEngines) {
            java.nio.file.Path dir = HistoryScenario.tempDir();
            dev.tippen.site.KeyStore.CreatedSite site = HistoryScenario.dataDir(dir);
            List<String> args = new java.util.ArrayList<>(serveArgs());
            Map<String, Object> seeded;
            PostgresProcess pg = null;
            try {
                if (engine.equals("postgres")) {
                    pg = PostgresProcess.start();
                    args.add("--history=" + pg.url());
                    try (dev.tippen.history.HistoryDatabase db = dev.tippen.history.HistoryDatabase.postgres(pg.url())) {
                        seeded = HistoryScenario.seed(db, site.site().siteId(), historyVisits, historyPages, end);
                        // A live history is vacuumed as it grows; one seeded in minutes is not yet.
                        db.settle();
                    }
                } else {
                    try (dev.tippen.history.HistoryDatabase db = dev.tippen.history.HistoryDatabase.sqlite(dir)) {
                        seeded = HistoryScenario.seed(db, site.site().siteId(), historyVisits, historyPages, end);
                        db.settle();
                    }
                }
                try (ChildServer server = ChildServer.tippenOn(dir, site, jvm(), args)) {
                    seeded.putAll(HistoryScenario.queries(server, site.secretKey(), end, 21));
                }
            } finally {
                if (pg != null) pg.close();
            }
            r.put(engine, seeded);
        }
        report(r);
    }

    private void enrichLookup() throws Exception {
        requireIpData();
        Map<String, Object> r = scenario("enrich-lookup");
        r.putAll(EnrichScenario.lookups(ipData, warmup, seconds));
        report(r);
    }

    private void requireIpData() {
        if (!java.nio.file.Files.isDirectory(ipData)) {
            throw new IllegalStateException("no IP data at " + ipData + "; run ./tippen fetch-ip-data or pass --ip-data");
        }
    }

    private void fanout(Vertx vertx) throws Exception {
        for (int rate : fanoutRates) {
            String query = fanoutConsole ? FanoutScenario.CONSOLE : "";
            compare("fanout", server -> FanoutScenario.run(vertx, server, server, dashboards, rate, warmup, seconds, query), "latency_p99_ms");
        }
    }

    private void invite(Vertx vertx) throws Exception {
        compare("invite", server -> InviteScenario.run(vertx, server, inviteSockets, inviteRate, warmup, seconds), "latency_p99_ms");
    }

    /**
     * Idle sockets against the ceiling (bare Vert.x) and, beneath it, the floor: Netty alone, which
     * shows what a socket path without Vert.x's per-connection queues would cost.
     */
    private void idle(Vertx vertx) throws Exception {
        for (int count : idleSockets) {
            Map<String, Object> floor;
            try (ChildServer server = ChildServer.nettyFloor(jvm())) {
                floor = measured(() -> IdleScenario.run(vertx, server, count, seconds, false));
            }
            Map<String, Object> ceiling;
            try (ChildServer server = ChildServer.ceiling(jvm())) {
                ceiling = measured(() -> IdleScenario.run(vertx, server, count, seconds, false));
            }
            Map<String, Object> tippen;
            try (ChildServer server = ChildServer.tippen(jvm(), serveArgs())) {
                tippen = measured(() -> IdleScenario.run(vertx, server, count, seconds, histogram));
            }
            Map<String, Object> r = scenario("idle");
            r.put("tippen", tippen);
            r.put("ceiling", ceiling);
            r.put("netty_floor", floor);
            r.put("rss_per_socket_ratio_to_ceiling", ratio(tippen.get("rss_per_socket_kib"), ceiling.get("rss_per_socket_kib")));
            r.put("rss_per_socket_ratio_to_netty_floor", ratio(tippen.get("rss_per_socket_kib"), floor.get("rss_per_socket_kib")));
            report(r);
        }
    }

    /** No ceiling: the targets are counts, from a server launched as the launcher does with no options. */
    private void capacity(Vertx vertx) throws Exception {
        Map<String, Object> r = scenario("capacity");
        try (ChildServer server = ChildServer.tippen(CapacityScenario.LAUNCHER_JVM, List.of(), CapacityScenario.SITES)) {
            r.put("tippen", measured(() -> CapacityScenario.run(vertx, server, capacityVisitors, capacitySockets)));
        }
        report(r);
    }

    private void realistic(Vertx vertx) throws Exception {
        RealisticScenario.Shape shape = new RealisticScenario.Shape(realisticVisitors, realisticDashboards, realisticSockets,
                realisticInvites);
        compare("realistic", realisticSites, server -> RealisticScenario.run(vertx, server, shape, warmup, seconds),
                "track_latency_p99_ms");
    }

    /** No ceiling here: the bare stack keeps no sites. The baseline is the same server before the sites fill. */
    private void manySites(Vertx vertx) throws Exception {
        Map<String, Object> r = scenario("many-sites");
        try (ChildServer server = ChildServer.tippen(jvm(), serveArgs(), manySites)) {
            r.put("tippen", measured(() -> ManySitesScenario.run(vertx, server, visitorsPerSite, connections)));
        }
        report(r);
    }

    /**
     * The baseline is site B alone, in the same server, just before the flood. The ceiling gets the
     * same two phases: it has no limits and answers A's flood with constant 200s, so its ratio is
     * what a flood of that many requests costs B on this machine whatever the server does.
     */
    private void flood(Vertx vertx) throws Exception {
        Map<String, Object> r = scenario("flood");
        Map<String, Object> ceiling;
        try (ChildServer server = ChildServer.ceiling(jvm(), 2)) {
            ceiling = measured(() -> FloodScenario.run(vertx, server, floodLimit, floodBRate, warmup, seconds));
        }
        List<String> args = new java.util.ArrayList<>(FloodScenario.serveArgs(floodLimit));
        args.addAll(extraServeArgs);
        Map<String, Object> tippen;
        try (ChildServer server = ChildServer.tippen(jvm(), args, 2)) {
            tippen = measured(() -> FloodScenario.run(vertx, server, floodLimit, floodBRate, warmup, seconds));
        }
        r.put("tippen", tippen);
        r.put("ceiling", ceiling);
        r.put("b_p99_ratio_flooded_to_alone", tippen.get("b_p99_ratio_flooded_to_alone"));
        r.put("b_p99_ratio_flooded_to_a_at_limit", tippen.get("b_p99_ratio_flooded_to_a_at_limit"));
        r.put("ceiling_b_p99_ratio_flooded_to_alone", ceiling.get("b_p99_ratio_flooded_to_alone"));
        report(r);
    }

    /**
     * Site A attacks, one attack at a time, while site B tracks steadily: B's latency in each phase
     * beside B alone in the same server, and the server's heap and descriptors. No ceiling: the
     * baseline is B alone, measured in the same run.
     */
    private void abuse(Vertx vertx) throws Exception {
        List<String> args = new java.util.ArrayList<>(AbuseScenario.serveArgs());
        args.addAll(extraServeArgs);
        Map<String, Object> r = scenario("abuse");
        try (ChildServer server = ChildServer.tippen(jvm(), args, 3)) {
            r.put("tippen", measured(() -> AbuseScenario.run(vertx, server, floodBRate, warmup, seconds)));
        }
        report(r);
    }

    private interface Scenario {
        Map<String, Object> run(ChildServer server) throws Exception;
    }

    /** Runs one scenario against the ceiling, then against a fresh Tippen server, and reports both. */
    private void compare(String name, Scenario scenario, String ratioOf) throws Exception {
        compare(name, 1, scenario, ratioOf);
    }

    private void compare(String name, int sites, Scenario scenario, String ratioOf) throws Exception {
        Map<String, Object> ceiling;
        try (ChildServer server = ChildServer.ceiling(jvm(), sites)) {
            ceiling = measured(() -> scenario.run(server));
        }
        Map<String, Object> tippen;
        try (ChildServer server = ChildServer.tippen(jvm(), serveArgs(), sites)) {
            tippen = measured(() -> scenario.run(server));
        }
        Map<String, Object> r = scenario(name);
        r.put("tippen", tippen);
        r.put("ceiling", ceiling);
        r.put(ratioOf.replace("_ms", "").replace("_kib", "") + "_ratio_to_ceiling", ratio(tippen.get(ratioOf), ceiling.get(ratioOf)));
        report(r);
    }

    private interface Run {
        Map<String, Object> run() throws Exception;
    }

    /**
     * Adds the load generator's own CPU use and the stalls it suffered itself, so a reader can see
     * whether it, rather than the server, set a figure.
     */
    private static Map<String, Object> measured(Run run) throws Exception {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        StallProbe stalls = StallProbe.start();
        Map<String, Object> r;
        try {
            r = run.run();
        } finally {
            stalls.close();
        }
        r.put("client_cpu_cores", Latencies.round((os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - t0)));
        stalls.addTo(r);
        return r;
    }

    private Map<String, Object> scenario(String name) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", name);
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("seconds", seconds);
        return r;
    }

    private void report(Map<String, Object> r) throws Exception {
        System.out.println("== " + r.get("scenario"));
        r.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) System.out.println("  " + k + ": " + m);
        });
        r.forEach((k, v) -> {
            if (k.contains("ratio")) System.out.println("  " + k + ": " + v);
        });
        System.out.println(json.writeValueAsString(r));
        System.out.flush();
    }

    private List<String> serveArgs() {
        List<String> args = new java.util.ArrayList<>(NO_LIMITS);
        args.addAll(extraServeArgs);
        return args;
    }

    private List<String> jvm() {
        return Arrays.stream(serverJvm.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static Object ratio(Object a, Object b) {
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        return y == 0 ? null : Latencies.round(x / y);
    }
}
