package dev.tippen.app;

import dev.tippen.config.ByteSizes;
import dev.tippen.config.Cidr;
import dev.tippen.config.Durations;
import dev.tippen.config.RateLimit;
import dev.tippen.config.TippenConfig;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.enrich.RemoteEnricher;
import dev.tippen.enrich.RemoteProviders;
import dev.tippen.config.WebhookOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tippen serve}: every option also reads a TIPPEN_* environment variable. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Tippen server.")
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "${env:TIPPEN_PORT:-8787}", description = "Port (TIPPEN_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "${env:TIPPEN_HOST:-127.0.0.1}",
            description = "Address to listen on; 0.0.0.0 to expose (TIPPEN_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", defaultValue = "${env:TIPPEN_DATA_DIR:-./data}", description = "Where the SQLite file lives (TIPPEN_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--redis", defaultValue = "${env:TIPPEN_REDIS:-}",
            description = "Share all state with other nodes through this Redis or Valkey, e.g. redis://host:6379 (TIPPEN_REDIS). Without it, state stays in SQLite under --data-dir.")
    String redis;

    @Option(names = "--visitor-ttl", defaultValue = "${env:TIPPEN_VISITOR_TTL:-30m}",
            description = "A visitor is removed this long after its last event (TIPPEN_VISITOR_TTL, default ${DEFAULT-VALUE}).")
    String visitorTtl;

    @Option(names = "--sweep-interval", defaultValue = "${env:TIPPEN_SWEEP_INTERVAL:-5s}",
            description = "Dashboards learn of expired visitors within this time (TIPPEN_SWEEP_INTERVAL, default ${DEFAULT-VALUE}).")
    String sweepInterval;

    @Option(names = "--invite-ttl", defaultValue = "${env:TIPPEN_INVITE_TTL:-5m}",
            description = "How long an unanswered invite waits for its visitor (TIPPEN_INVITE_TTL, default ${DEFAULT-VALUE}).")
    String inviteTtl;

    @Option(names = "--exit-grace", defaultValue = "${env:TIPPEN_EXIT_GRACE:-10s}",
            description = "An exit of the page a visitor is on, or its last socket closing, takes effect only if no event or new socket follows within this time; a click to the next page sends both (TIPPEN_EXIT_GRACE, default ${DEFAULT-VALUE}; 0s: at once).")
    String exitGrace;

    @Option(names = "--visit-gap", defaultValue = "${env:TIPPEN_VISIT_GAP:-30m}",
            description = "A visit ends after this long without events; at most --visitor-ttl (TIPPEN_VISIT_GAP, default ${DEFAULT-VALUE}).")
    String visitGap;

    @Option(names = "--max-visitors", defaultValue = "${env:TIPPEN_MAX_VISITORS:-0}",
            description = "Visitors this node holds in memory across all sites; past it new visitors get 503 (TIPPEN_MAX_VISITORS, default 0: what the heap holds, see docs/operations.md).")
    int maxVisitors;

    @Option(names = "--max-visitors-per-site", defaultValue = "${env:TIPPEN_MAX_VISITORS_PER_SITE:-0}",
            description = "Visitors one site may hold; past it that site's new visitors get 503 (TIPPEN_MAX_VISITORS_PER_SITE, default 0: half the node's visitor budget).")
    int maxVisitorsPerSite;

    @Option(names = "--max-sockets", defaultValue = "${env:TIPPEN_MAX_SOCKETS:-0}",
            description = "Sockets this node holds open; past it new sockets get 503 (TIPPEN_MAX_SOCKETS, default 0: what the heap holds).")
    int maxSockets;

    @Option(names = "--max-sockets-per-site", defaultValue = "${env:TIPPEN_MAX_SOCKETS_PER_SITE:-0}",
            description = "Sockets one site may hold open; past it that site's new sockets get 503 (TIPPEN_MAX_SOCKETS_PER_SITE, default 0: half the node's socket budget).")
    int maxSocketsPerSite;

    @Option(names = "--connections-per-ip", defaultValue = "${env:TIPPEN_CONNECTIONS_PER_IP:-1500}",
            description = "Open TCP connections per client address (IPv6: per --ipv6-limit-prefix); past it a new one is closed at accept; "
                    + "trusted proxies are not counted; 0 for no limit (TIPPEN_CONNECTIONS_PER_IP, default ${DEFAULT-VALUE}).")
    int connectionsPerIp;

    @Option(names = "--header-timeout", defaultValue = "${env:TIPPEN_HEADER_TIMEOUT:-10s}",
            description = "A connection must send a request's line and headers within this time of opening or of its last answer, and a body within it of its headers (TIPPEN_HEADER_TIMEOUT, default ${DEFAULT-VALUE}).")
    String headerTimeout;

    @Option(names = "--socket-control-frames", defaultValue = "${env:TIPPEN_SOCKET_CONTROL_FRAMES:-10}",
            description = "Pings, pongs and closes a socket's peer may send a second; past it the socket is closed with 1008 (TIPPEN_SOCKET_CONTROL_FRAMES, default ${DEFAULT-VALUE}; 0: no limit).")
    int socketControlFrames;

    @Option(names = "--socket-write-budget", defaultValue = "${env:TIPPEN_SOCKET_WRITE_BUDGET:-1MB}",
            description = "What one socket may have written but not taken by its peer (pongs included); past it the socket is closed with 1008 (TIPPEN_SOCKET_WRITE_BUDGET, default ${DEFAULT-VALUE}).")
    String socketWriteBudget;

    @Option(names = "--socket-message-limit", defaultValue = "${env:TIPPEN_SOCKET_MESSAGE_LIMIT:-5/s:20}",
            description = "Messages (PING, GET_VISITORS) one socket's peer may send; past it they are answered with an ERROR and dropped (TIPPEN_SOCKET_MESSAGE_LIMIT, default ${DEFAULT-VALUE}).")
    String socketMessageLimit;

    @Option(names = "--min-free-disk", defaultValue = "${env:TIPPEN_MIN_FREE_DISK:-512MB}",
            description = "Free space the data dir's disk keeps; below it new visitors get 503 and /readyz answers 503 (TIPPEN_MIN_FREE_DISK, default ${DEFAULT-VALUE}; 0: no watermark).")
    String minFreeDisk;

    @Option(names = "--track-bytes-site", defaultValue = "${env:TIPPEN_TRACK_BYTES_SITE:-8MB}",
            description = "Bytes of visitors one site may store a second, bursts of four seconds' worth: every page view rewrites its visitor, "
                    + "trail and all; past it that site's events get 429 (TIPPEN_TRACK_BYTES_SITE, default ${DEFAULT-VALUE}; 0: no limit).")
    String trackBytesSite;

    @Option(names = "--max-history-bytes-per-site", defaultValue = "${env:TIPPEN_MAX_HISTORY_BYTES_PER_SITE:-2GB}",
            description = "What one site may keep in the history; past it its new visits and pages are not recorded until retention frees room (TIPPEN_MAX_HISTORY_BYTES_PER_SITE, default ${DEFAULT-VALUE}; 0: no limit).")
    String maxHistoryBytesPerSite;

    @Option(names = "--sign-in-limit-ip", defaultValue = "${env:TIPPEN_SIGN_IN_LIMIT_IP:-1/s:10}",
            description = "Console sign-in attempts per client address (TIPPEN_SIGN_IN_LIMIT_IP, default ${DEFAULT-VALUE}).")
    String signInLimitIp;

    @Option(names = "--sign-in-limit-site", defaultValue = "${env:TIPPEN_SIGN_IN_LIMIT_SITE:-5/s:30}",
            description = "Console sign-in attempts per site (TIPPEN_SIGN_IN_LIMIT_SITE, default ${DEFAULT-VALUE}).")
    String signInLimitSite;

    @Option(names = "--webhook-test-limit-site", defaultValue = "${env:TIPPEN_WEBHOOK_TEST_LIMIT_SITE:-1/s:5}",
            description = "Test deliveries a site may ask for (TIPPEN_WEBHOOK_TEST_LIMIT_SITE, default ${DEFAULT-VALUE}).")
    String webhookTestLimitSite;

    @Option(names = "--metrics-token", defaultValue = "${env:TIPPEN_METRICS_TOKEN:-}",
            description = "/metrics answers only with this bearer token (TIPPEN_METRICS_TOKEN). Set it whenever --host is not loopback.")
    String metricsToken;

    @Option(names = "--history", defaultValue = "${env:TIPPEN_HISTORY:-sqlite}",
            description = "Where visits are remembered: sqlite (history.db in the data dir), off, or postgres://user:pass@host:5432/db "
                    + "(needed with --redis) (TIPPEN_HISTORY, default ${DEFAULT-VALUE}).")
    String history;

    @Option(names = "--call-link-template", defaultValue = "${env:TIPPEN_CALL_LINK_TEMPLATE:-}",
            description = "The console's invite dialog starts from this guest URL, {visitorId} filled in, "
                    + "e.g. https://meet.example.com/{visitorId} (TIPPEN_CALL_LINK_TEMPLATE).")
    String callLinkTemplate;

    @Option(names = "--public-url", defaultValue = "${env:TIPPEN_PUBLIC_URL:-}",
            description = "Where people reach this server, e.g. https://tippen.example.com: notifications link back to the console (TIPPEN_PUBLIC_URL).")
    String publicUrl;

    @Option(names = "--webhook-retries", defaultValue = "${env:TIPPEN_WEBHOOK_RETRIES:-0s,5s,5m,30m,2h,5h,10h,10h,14h,20h,24h}",
            description = "Delay before each webhook attempt, the first one included, jittered by ±20%% (TIPPEN_WEBHOOK_RETRIES, default ${DEFAULT-VALUE}).")
    String webhookRetries;

    @Option(names = "--webhook-queue", defaultValue = "${env:TIPPEN_WEBHOOK_QUEUE:-10000}",
            description = "Undelivered webhooks an endpoint may hold; beyond it the oldest are dropped and counted (TIPPEN_WEBHOOK_QUEUE, default ${DEFAULT-VALUE}).")
    int webhookQueue;

    @Option(names = "--webhook-senders", defaultValue = "${env:TIPPEN_WEBHOOK_SENDERS:-8}",
            description = "Threads sending webhooks, the most requests in flight in all (TIPPEN_WEBHOOK_SENDERS, default ${DEFAULT-VALUE}).")
    int webhookSenders;

    @Option(names = "--webhook-concurrency", defaultValue = "${env:TIPPEN_WEBHOOK_CONCURRENCY:-2}",
            description = "Requests in flight per endpoint, 1..4; Slack endpoints take one (TIPPEN_WEBHOOK_CONCURRENCY, default ${DEFAULT-VALUE}).")
    int webhookConcurrency;

    @Option(names = "--webhook-disable-after", defaultValue = "${env:TIPPEN_WEBHOOK_DISABLE_AFTER:-5d}",
            description = "An endpoint failing this long without one success is disabled (TIPPEN_WEBHOOK_DISABLE_AFTER, default ${DEFAULT-VALUE}).")
    String webhookDisableAfter;

    @Option(names = "--webhooks-allow-http", defaultValue = "${env:TIPPEN_WEBHOOKS_ALLOW_HTTP:-false}",
            description = "Accept http:// webhook URLs, not only https (TIPPEN_WEBHOOKS_ALLOW_HTTP).")
    boolean webhooksAllowHttp;

    @Option(names = "--webhooks-allow-private", defaultValue = "${env:TIPPEN_WEBHOOKS_ALLOW_PRIVATE:-false}",
            description = "Send webhooks to loopback, private and link-local addresses too: for tests and intranets (TIPPEN_WEBHOOKS_ALLOW_PRIVATE).")
    boolean webhooksAllowPrivate;

    @Option(names = "--history-retention", defaultValue = "${env:TIPPEN_HISTORY_RETENTION:-400d}",
            description = "Visits older than this are deleted (TIPPEN_HISTORY_RETENTION, default ${DEFAULT-VALUE}).")
    String historyRetention;

    @Option(names = "--ping-interval", defaultValue = "${env:TIPPEN_PING_INTERVAL:-30s}",
            description = "Idle sockets are pinged this often and closed after three silent intervals (TIPPEN_PING_INTERVAL, default ${DEFAULT-VALUE}).")
    String pingInterval;

    @Option(names = "--demo", defaultValue = "${env:TIPPEN_DEMO:-false}",
            description = "Create the demo site with the insecure key demo_api_key (TIPPEN_DEMO).")
    boolean demo;

    @Option(names = "--trusted-proxy", split = ",", defaultValue = "${env:TIPPEN_TRUSTED_PROXY:-}",
            description = "CIDRs of proxies whose --client-ip-header is believed (TIPPEN_TRUSTED_PROXY, comma-separated).")
    List<String> trustedProxies;

    @Option(names = "--client-ip-header", defaultValue = "${env:TIPPEN_CLIENT_IP_HEADER:-X-Forwarded-For}",
            description = "The one header a trusted proxy names the client in (TIPPEN_CLIENT_IP_HEADER, default ${DEFAULT-VALUE}, "
                    + "read from the right; CF-Connecting-IP behind Cloudflare). Every other header is ignored.")
    String clientIpHeader;

    @Option(names = "--ipv6-limit-prefix", defaultValue = "${env:TIPPEN_IPV6_LIMIT_PREFIX:-64}",
            description = "IPv6 clients share the per-address limits by this network prefix (TIPPEN_IPV6_LIMIT_PREFIX, default ${DEFAULT-VALUE}).")
    int ipv6LimitPrefix;

    @Option(names = "--allowed-origin", split = ",", defaultValue = "${env:TIPPEN_ALLOWED_ORIGIN:-*}",
            description = "Origins whose pages may use the dashboard socket and invite API (TIPPEN_ALLOWED_ORIGIN, default ${DEFAULT-VALUE}). Tracking always accepts any origin.")
    List<String> allowedOrigins;

    @Option(names = "--track-limit-ip", defaultValue = "${env:TIPPEN_TRACK_LIMIT_IP:-100/s:1000}",
            description = "Tracking events per client IP: RATE/s[:BURST] or off (TIPPEN_TRACK_LIMIT_IP, default ${DEFAULT-VALUE}).")
    String trackLimitIp;

    @Option(names = "--track-limit-site", defaultValue = "${env:TIPPEN_TRACK_LIMIT_SITE:-5000/s:20000}",
            description = "Tracking events per site (TIPPEN_TRACK_LIMIT_SITE, default ${DEFAULT-VALUE}).")
    String trackLimitSite;

    @Option(names = "--upgrade-limit-ip", defaultValue = "${env:TIPPEN_UPGRADE_LIMIT_IP:-50/s:1000}",
            description = "WebSocket upgrades per client IP (TIPPEN_UPGRADE_LIMIT_IP, default ${DEFAULT-VALUE}).")
    String upgradeLimitIp;

    @Option(names = "--sockets-per-ip", defaultValue = "${env:TIPPEN_SOCKETS_PER_IP:-1000}",
            description = "Open WebSockets per client IP, 0 for no limit (TIPPEN_SOCKETS_PER_IP, default ${DEFAULT-VALUE}).")
    int socketsPerIp;

    @Option(names = "--invite-limit-site", defaultValue = "${env:TIPPEN_INVITE_LIMIT_SITE:-20/s:100}",
            description = "Video invites per site (TIPPEN_INVITE_LIMIT_SITE, default ${DEFAULT-VALUE}).")
    String inviteLimitSite;

    @Option(names = "--ip-data-dir", defaultValue = "${env:TIPPEN_IP_DATA_DIR:-" + DEFAULT_IP_DATA + "}",
            description = "Directory of IP databases, recognised by file name (TIPPEN_IP_DATA_DIR, default ${DEFAULT-VALUE}; "
                    + "'./tippen fetch-ip-data' fills it). Missing default directory: no IP data.")
    Path ipDataDir;

    @Option(names = "--asn-db", split = ",", defaultValue = "${env:TIPPEN_ASN_DB:-}",
            description = "IP-to-ASN files: ip-location-db .csv or MaxMind-format .mmdb (TIPPEN_ASN_DB, comma-separated).")
    List<String> asnDbs;

    @Option(names = "--country-db", split = ",", defaultValue = "${env:TIPPEN_COUNTRY_DB:-}",
            description = "IP-to-country files: .csv or .mmdb (TIPPEN_COUNTRY_DB, comma-separated).")
    List<String> countryDbs;

    @Option(names = "--city-db", split = ",", defaultValue = "${env:TIPPEN_CITY_DB:-}",
            description = "IP-to-city MaxMind-format files, GeoIP2 or flat layout (TIPPEN_CITY_DB, comma-separated).")
    List<String> cityDbs;

    @Option(names = "--ip-data-optional", defaultValue = "${env:TIPPEN_IP_DATA_OPTIONAL:-false}",
            description = "A missing or unreadable IP database is a warning, not a start-up error (TIPPEN_IP_DATA_OPTIONAL).")
    boolean ipDataOptional;

    @Option(names = "--ip-anonymize", defaultValue = "${env:TIPPEN_IP_ANONYMIZE:-false}",
            description = "Store, show and look up only the /24 (IPv4) or /48 (IPv6) network of each visitor (TIPPEN_IP_ANONYMIZE).")
    boolean ipAnonymize;

    @Option(names = "--show-bots", defaultValue = "${env:TIPPEN_SHOW_BOTS:-false}",
            description = "Show visitors flagged as bots on the dashboards' live list (TIPPEN_SHOW_BOTS).")
    boolean showBots;

    @Option(names = "--enrich-provider", defaultValue = "${env:TIPPEN_ENRICH_PROVIDER:-}",
            description = "Paid IP-to-company provider: ipinfo or clearbit (TIPPEN_ENRICH_PROVIDER; ipinfo when only a key is given).")
    String enrichProvider;

    @Option(names = "--enrich-url", defaultValue = "${env:TIPPEN_ENRICH_URL:-}",
            description = "Base URL of the provider's API (TIPPEN_ENRICH_URL; default the provider's own).")
    String enrichUrl;

    @Option(names = "--enrich-key", defaultValue = "${env:TIPPEN_ENRICH_KEY:-}",
            description = "The provider's API key, sent as a bearer token (TIPPEN_ENRICH_KEY).")
    String enrichKey;

    @Option(names = "--enrich-timeout", defaultValue = "${env:TIPPEN_ENRICH_TIMEOUT:-2s}",
            description = "Longest wait for the provider (TIPPEN_ENRICH_TIMEOUT, default ${DEFAULT-VALUE}).")
    String enrichTimeout;

    static final String DEFAULT_IP_DATA = "./ipdata";

    @Override
    public Integer call() {
        TippenConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("tippen: " + e.getMessage());
            return 2;
        }
        App app;
        try {
            app = App.start(config);
        } catch (RuntimeException e) {
            System.err.println("tippen: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "tippen-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    TippenConfig config() {
        Duration ttl = Durations.parse(visitorTtl);
        Duration sweep = Durations.parse(sweepInterval);
        Duration invite = Durations.parse(inviteTtl);
        Duration ping = Durations.parse(pingInterval);
        Duration grace = Durations.parse(exitGrace);
        Duration parsedGap = Durations.parse(visitGap);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535");
        if (sweep.isZero() || ttl.isZero() || invite.isZero() || parsedGap.isZero() || ping.toSeconds() < 1) {
            throw new IllegalArgumentException("durations must be positive (ping interval at least 1s)");
        }
        // A shorter TTL alone shortens the visit gap with it; a gap asked for longer than the TTL is a mistake.
        boolean gapGiven = spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--visit-gap") || System.getenv("TIPPEN_VISIT_GAP") != null;
        if (parsedGap.compareTo(ttl) > 0 && gapGiven) throw new IllegalArgumentException("--visit-gap must not be longer than --visitor-ttl");
        Duration gap = parsedGap.compareTo(ttl) > 0 ? ttl : parsedGap;
        if (maxVisitors < 0 || maxSockets < 0 || maxVisitorsPerSite < 0 || maxSocketsPerSite < 0) {
            throw new IllegalArgumentException(
                    "--max-visitors, --max-visitors-per-site, --max-sockets and --max-sockets-per-site must be 0 (the default) or more");
        }
        if (connectionsPerIp < 0 || socketControlFrames < 0) {
            throw new IllegalArgumentException("--connections-per-ip and --socket-control-frames must be 0 (no limit) or more");
        }
        Duration headerWait = Durations.parse(headerTimeout);
        if (headerWait.toMillis() < 500) throw new IllegalArgumentException("--header-timeout must be at least 500ms");
        long freeDisk = ByteSizes.parse(minFreeDisk);
        long writeBudget = ByteSizes.parse(socketWriteBudget);
        if (writeBudget < 64 * 1024 || writeBudget > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("--socket-write-budget must be 64KB..256MB");
        }
        long historyPerSite = ByteSizes.parse(maxHistoryBytesPerSite);
        long siteWrites = ByteSizes.parse(trackBytesSite);
        List<Cidr> proxies = nonBlank(trustedProxies).stream().map(Cidr::parse).toList();
        if (ipv6LimitPrefix < 1 || ipv6LimitPrefix > 128) throw new IllegalArgumentException("--ipv6-limit-prefix must be 1..128");
        String ipHeader = clientIpHeader == null || clientIpHeader.isBlank() ? TippenConfig.X_FORWARDED_FOR : clientIpHeader.trim();
        if (!ipHeader.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("--client-ip-header must be a header name");
        List<String> origins = nonBlank(allowedOrigins);
        if (socketsPerIp < 0) throw new IllegalArgumentException("--sockets-per-ip must be 0 (no limit) or more");
        TippenConfig.Rates rates = new TippenConfig.Rates(RateLimit.parse(trackLimitIp), RateLimit.parse(trackLimitSite),
                RateLimit.parse(upgradeLimitIp), socketsPerIp, RateLimit.parse(inviteLimitSite), connectionsPerIp,
                RateLimit.parse(signInLimitIp), RateLimit.parse(signInLimitSite), RateLimit.parse(socketMessageLimit),
                RateLimit.parse(webhookTestLimitSite));
        TippenConfig.Limits heap = TippenConfig.Limits.defaults();
        int visitors = maxVisitors > 0 ? maxVisitors : heap.maxVisitors();
        int sockets = maxSockets > 0 ? maxSockets : heap.maxSockets();
        TippenConfig.Limits limits = heap.withBudgets(visitors, sockets).with(b -> {
            if (maxVisitorsPerSite > 0) b.maxVisitorsPerSite = maxVisitorsPerSite;
            if (maxSocketsPerSite > 0) b.maxSocketsPerSite = maxSocketsPerSite;
            b.controlFramesPerSecond = socketControlFrames;
            b.socketWriteQueueBytes = (int) writeBudget;
            b.headerTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, headerWait.toMillis());
            b.minFreeDiskBytes = freeDisk;
            b.maxHistoryBytesPerSite = historyPerSite;
            b.siteWriteBytesPerSecond = siteWrites;
        });
        EnrichSettings enrich = enrich();
        String redisUrl = redisUrl(redis);
        TippenConfig.HistoryOptions keep = history();
        return TippenConfig.defaults(dataDir).with(b -> {
            b.host = host;
            b.port = port;
            b.redis = redisUrl;
            b.demo = demo;
            b.visitorTtl = ttl;
            b.sweepInterval = sweep;
            b.inviteTtl = invite;
            b.pingInterval = ping;
            b.exitGrace = grace;
            b.visitGap = gap;
            b.trustedProxies = proxies;
            b.clientIpHeader = ipHeader;
            b.ipv6LimitPrefix = ipv6LimitPrefix;
            b.allowedOrigins = origins.isEmpty() ? List.of("*") : origins;
            b.limits = limits;
            b.rates = rates;
            b.enrich = enrich;
            b.metricsToken = blankToNull(metricsToken);
            b.history = keep;
            b.callLinkTemplate = callLinkTemplate();
            b.webhooks = webhooks();
            b.publicUrl = publicUrl();
        });
    }

    WebhookOptions webhooks() {
        List<Duration> retries = new java.util.ArrayList<>();
        for (String part : webhookRetries.split(",")) {
            if (!part.isBlank()) retries.add(Durations.parse(part.trim()));
        }
        Duration disableAfter = Durations.parse(webhookDisableAfter);
        return new WebhookOptions(retries, webhooksAllowHttp, webhooksAllowPrivate, webhookQueue, webhookSenders, webhookConcurrency,
                disableAfter, WebhookOptions.defaults().timeout());
    }

    String publicUrl() {
        String u = blankToNull(publicUrl);
        if (u == null) return null;
        try {
            java.net.URI uri = java.net.URI.create(u);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) return u.replaceAll("/+$", "");
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException("--public-url must be an http(s) URL, e.g. https://tippen.example.com");
    }

    String callLinkTemplate() {
        String t = blankToNull(callLinkTemplate);
        if (t == null) return null;
        String probe = t.replace("{visitorId}", "v");
        try {
            java.net.URI u = java.net.URI.create(probe);
            if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null) return t;
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException("--call-link-template must be an http(s) URL, e.g. https://meet.example.com/{visitorId}");
    }

    TippenConfig.HistoryOptions history() {
        Duration retention = Durations.parse(historyRetention);
        if (retention.toHours() < 24) throw new IllegalArgumentException("--history-retention must be at least 1d");
        String store = history == null || history.isBlank() ? TippenConfig.HistoryOptions.SQLITE : history.trim();
        TippenConfig.HistoryOptions o = new TippenConfig.HistoryOptions(store, retention);
        if (!store.equals(TippenConfig.HistoryOptions.SQLITE) && !store.equals(TippenConfig.HistoryOptions.OFF) && !o.postgres()) {
            throw new IllegalArgumentException("--history must be sqlite, off or a postgres:// URL");
        }
        return o;
    }

    EnrichSettings enrich() {
        // The default directory may simply not be there yet (it is watched, and read once files
        // arrive); a directory the operator named must be there.
        Path dir = ipDataDir;
        if (dir != null && !Files.isDirectory(dir) && !dir.equals(Path.of(DEFAULT_IP_DATA)) && !ipDataOptional) {
            throw new IllegalArgumentException("--ip-data-dir " + dir + " is not a directory");
        }
        IpDataFiles files = new IpDataFiles(paths(asnDbs), paths(countryDbs), paths(cityDbs), dir, ipDataOptional);
        String provider = blankToNull(enrichProvider);
        String url = blankToNull(enrichUrl);
        String key = blankToNull(enrichKey);
        if (provider == null && (url != null || key != null)) {
            provider = url != null && url.contains("clearbit") ? RemoteProviders.CLEARBIT : RemoteProviders.IPINFO;
        }
        if (provider != null && !provider.equals(RemoteProviders.IPINFO) && !provider.equals(RemoteProviders.CLEARBIT)) {
            throw new IllegalArgumentException("--enrich-provider must be ipinfo or clearbit, not '" + provider + "'");
        }
        Duration timeout = Durations.parse(enrichTimeout);
        if (timeout.isZero()) throw new IllegalArgumentException("--enrich-timeout must be positive");
        RemoteEnricher.Settings d = RemoteEnricher.Settings.defaults();
        RemoteEnricher.Settings guards = new RemoteEnricher.Settings(timeout, d.maxInFlight(), d.cacheSize(), d.ttl(),
                d.negativeTtl(), d.breakerWindow(), d.breakerOpenFor());
        return EnrichSettings.defaults().withIpData(files).withPrivacy(ipAnonymize, showBots)
                .withProvider(provider, url, key, guards);
    }

    /** A bare host:port is taken as redis://host:port; anything else must be a redis:// or rediss:// URL. */
    static String redisUrl(String value) {
        String v = blankToNull(value);
        if (v == null) return null;
        if (!v.contains("://")) v = "redis://" + v;
        if (!v.startsWith("redis://") && !v.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis must be a redis:// or rediss:// URL, not '" + value + "'");
        }
        return v;
    }

    private static List<Path> paths(List<String> values) {
        return nonBlank(values).stream().map(Path::of).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> nonBlank(List<String> values) {
        if (values == null) return List.of();
        return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
