package dev.tippen.config;

import dev.tippen.enrich.EnrichSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything a running server is told. Built by {@code ServeCommand} from flags and TIPPEN_* variables,
 * and by tests from {@link #defaults} with {@link #with}.
 */
public record TippenConfig(
        String host,
        int port,
        Path dataDir,
        /** Shares every site's state with other nodes through the Redis (or Valkey) at this URL; null keeps SQLite. */
        String redis,
        boolean demo,
        Duration visitorTtl,
        Duration sweepInterval,
        Duration inviteTtl,
        Duration pingInterval,
        Duration exitGrace,
        Duration visitGap,
        List<Cidr> trustedProxies,
        /** The one header a trusted proxy names the client in: X-Forwarded-For (read from the right) or another. */
        String clientIpHeader,
        /** IPv6 clients share per-address limits by this prefix (a /64 is usually one household). */
        int ipv6LimitPrefix,
        List<String> allowedOrigins,
        Limits limits,
        Rates rates,
        EnrichSettings enrich,
        /** A bearer token /metrics asks for; null leaves it open (fine on loopback). */
        String metricsToken,
        HistoryOptions history,
        /** The console's invite dialog starts from this guest URL, {visitorId} filled in; null: an empty field. */
        String callLinkTemplate,
        /** How webhooks are delivered and where they may go. */
        WebhookOptions webhooks,
        /** Where people reach this server (e.g. https://tippen.example.com), for links in notifications; null: none. */
        String publicUrl) {

    /**
     * Where visits are remembered: {@code sqlite} (the data dir's history.db; the default), {@code off},
     * or a {@code postgres://} URL (required to keep history with several nodes); and for how long.
     */
    public record HistoryOptions(String store, Duration retention) {
        public static final String SQLITE = "sqlite";
        public static final String OFF = "off";

        public static HistoryOptions defaults() {
            return new HistoryOptions(SQLITE, Duration.ofDays(400));
        }

        public boolean postgres() {
            return store.startsWith("postgres://") || store.startsWith("postgresql://");
        }
    }

    /** Bounds on every queue, buffer and budget, so that no input can grow memory without limit. */
    public record Limits(
            int maxBodyBytes,
            int maxFrameBytes,
            int socketWriteQueueBytes,
            int storeQueueCapacity,
            int storeMaxBatch,
            int maxVisitorsPerSite,
            /** Visitors this node holds in memory across all sites (embedded engine). */
            int maxVisitors,
            /** Sockets this node holds open (0: none beyond the per-address limit). */
            int maxSockets,
            /** How long a commit waits for the database file's lock before it fails (and is answered 503). */
            int storeLockWaitMillis) {

        public static Limits defaults() {
            return forHeap(Runtime.getRuntime().maxMemory());
        }

        /**
         * Budgets sized to the heap: half of it for visitors at the most a visitor can cost, a quarter
         * for sockets at what an idle socket costs, a visitor per site at most a tenth of the visitors.
         * See docs/operations.md for the measured sizes behind these figures.
         */
        public static Limits forHeap(long heapBytes) {
            int visitors = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, heapBytes / 2 / Budgets.VISITOR_BYTES));
            int sockets = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, heapBytes / 4 / Budgets.SOCKET_BYTES));
            return new Limits(16 * 1024, 64 * 1024, 1024 * 1024, 100_000, 4_096, Math.max(1_000, visitors), visitors, sockets, 10_000);
        }

        public Limits withBudgets(int visitors, int sockets) {
            return new Limits(maxBodyBytes, maxFrameBytes, socketWriteQueueBytes, storeQueueCapacity, storeMaxBatch,
                    maxVisitorsPerSite, visitors, sockets, storeLockWaitMillis);
        }

        public Limits withSocketWriteQueueBytes(int bytes) {
            return new Limits(maxBodyBytes, maxFrameBytes, bytes, storeQueueCapacity, storeMaxBatch, maxVisitorsPerSite,
                    maxVisitors, maxSockets, storeLockWaitMillis);
        }

        public Limits withMaxVisitorsPerSite(int n) {
            return new Limits(maxBodyBytes, maxFrameBytes, socketWriteQueueBytes, storeQueueCapacity, storeMaxBatch, n,
                    maxVisitors, maxSockets, storeLockWaitMillis);
        }

        public Limits withStoreLockWaitMillis(int millis) {
            return new Limits(maxBodyBytes, maxFrameBytes, socketWriteQueueBytes, storeQueueCapacity, storeMaxBatch,
                    maxVisitorsPerSite, maxVisitors, maxSockets, millis);
        }
    }

    /**
     * Abuse limits; a null rate means no limit. The defaults let 1,000 visitors behind one corporate
     * NAT (33 heartbeats/s, bursts of page views, a reconnect storm after a restart) through untouched.
     */
    public record Rates(
            RateLimit trackPerIp,
            RateLimit trackPerSite,
            RateLimit upgradesPerIp,
            int socketsPerIp,
            RateLimit invitesPerSite) {
        public static Rates defaults() {
            return new Rates(new RateLimit(100, 1_000), new RateLimit(5_000, 20_000), new RateLimit(50, 1_000), 5_000,
                    new RateLimit(20, 100));
        }

        public static Rates unlimited() {
            return new Rates(null, null, null, 0, null);
        }
    }

    public static final String X_FORWARDED_FOR = "X-Forwarded-For";

    public static TippenConfig defaults(Path dataDir) {
        return new TippenConfig("127.0.0.1", 8787, dataDir, null, false, Duration.ofMinutes(30), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(30), List.of(),
                X_FORWARDED_FOR, 64, List.of("*"), Limits.defaults(), Rates.defaults(), EnrichSettings.defaults(), null,
                HistoryOptions.defaults(), null, WebhookOptions.defaults(), null);
    }

    /** A copy with some fields changed: {@code config.with(b -> b.port = 0)}. */
    public TippenConfig with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    public TippenConfig withPort(int p) {
        return with(b -> b.port = p);
    }

    public TippenConfig withDemo(boolean d) {
        return with(b -> b.demo = d);
    }

    public TippenConfig withTimes(Duration ttl, Duration sweep, Duration invite) {
        return with(b -> {
            b.visitorTtl = ttl;
            b.sweepInterval = sweep;
            b.inviteTtl = invite;
            if (b.visitGap.compareTo(ttl) > 0) b.visitGap = ttl;
        });
    }

    public TippenConfig withPingInterval(Duration ping) {
        return with(b -> b.pingInterval = ping);
    }

    public TippenConfig withTrustedProxies(List<Cidr> proxies) {
        return with(b -> b.trustedProxies = proxies);
    }

    public TippenConfig withLimits(Limits l) {
        return with(b -> b.limits = l);
    }

    public TippenConfig withRates(Rates r) {
        return with(b -> b.rates = r);
    }

    public TippenConfig withEnrich(EnrichSettings e) {
        return with(b -> b.enrich = e);
    }

    public TippenConfig withRedis(String url) {
        return with(b -> b.redis = url);
    }

    /** The fields of a config, to change some and build a new one. */
    public static final class Builder {
        public String host;
        public int port;
        public Path dataDir;
        public String redis;
        public boolean demo;
        public Duration visitorTtl;
        public Duration sweepInterval;
        public Duration inviteTtl;
        public Duration pingInterval;
        public Duration exitGrace;
        public Duration visitGap;
        public List<Cidr> trustedProxies;
        public String clientIpHeader;
        public int ipv6LimitPrefix;
        public List<String> allowedOrigins;
        public Limits limits;
        public Rates rates;
        public EnrichSettings enrich;
        public String metricsToken;
        public HistoryOptions history;
        public String callLinkTemplate;
        public WebhookOptions webhooks;
        public String publicUrl;

        Builder(TippenConfig c) {
            host = c.host;
            port = c.port;
            dataDir = c.dataDir;
            redis = c.redis;
            demo = c.demo;
            visitorTtl = c.visitorTtl;
            sweepInterval = c.sweepInterval;
            inviteTtl = c.inviteTtl;
            pingInterval = c.pingInterval;
            exitGrace = c.exitGrace;
            visitGap = c.visitGap;
            trustedProxies = c.trustedProxies;
            clientIpHeader = c.clientIpHeader;
            ipv6LimitPrefix = c.ipv6LimitPrefix;
            allowedOrigins = c.allowedOrigins;
            limits = c.limits;
            rates = c.rates;
            enrich = c.enrich;
            metricsToken = c.metricsToken;
            history = c.history;
            callLinkTemplate = c.callLinkTemplate;
            webhooks = c.webhooks;
            publicUrl = c.publicUrl;
        }

        public TippenConfig build() {
            return new TippenConfig(host, port, dataDir, redis, demo, visitorTtl, sweepInterval, inviteTtl, pingInterval,
                    exitGrace, visitGap, List.copyOf(trustedProxies), clientIpHeader, ipv6LimitPrefix, List.copyOf(allowedOrigins),
                    limits, rates, enrich, metricsToken, history, callLinkTemplate, webhooks, publicUrl);
        }
    }
}
