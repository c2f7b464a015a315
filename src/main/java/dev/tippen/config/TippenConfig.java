package dev.tippen.config;

import dev.tippen.enrich.EnrichSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything a running server is told. Built by {@link ConfigRules} from {@link ServeOptions} (flags,
 * TIPPEN_* variables and the configuration file), and by tests from {@link #defaults} with {@link #with}.
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
        String publicUrl,
        /** How long a person's console session lasts unused, and at most. */
        SessionOptions sessions,
        /** Where join links are e-mailed from; NONE: links are copied by hand. */
        MailOptions mail,
        /** The ICE servers of calls in Tippen. */
        CallOptions calls) {

    /**
     * STUN and TURN for calls in Tippen: TURN with coturn's time-limited credentials ({@code use-auth-secret});
     * {@code relayOnly} forces every call through TURN, so neither side learns the other's address.
     */
    public record CallOptions(List<String> stun, List<String> turnUrls, String turnSecret, Duration turnLifetime, boolean relayOnly) {
        public static final CallOptions NONE = new CallOptions(List.of(), List.of(), null, Duration.ofHours(2), false);

        public CallOptions {
            stun = List.copyOf(stun);
            turnUrls = List.copyOf(turnUrls);
        }
    }

    public record SessionOptions(Duration idle, Duration lifetime) {}

    public record MailOptions(String smtpUrl, String from) {
        public static final MailOptions NONE = new MailOptions(null, null);

        public boolean on() {
            return smtpUrl != null;
        }
    }

    /**
     * Where visits are remembered: {@code sqlite} (the data dir's history.db; the default), {@code off},
     * or a {@code postgres://} URL (required to keep history with several nodes); and for how long.
     */
    public record HistoryOptions(String store, Duration retention) {
        public static final String SQLITE = "sqlite";
        public static final String OFF = "off";

        public static HistoryOptions defaults() {
            return ConfigRules.history(ServeOptions.defaults());
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
            /** A cap on the count of one site's visitors (0: none, only its share of the bytes); with Redis, the site's budget. */
            int maxVisitorsPerSite,
            /** A cap on the count of visitors this node holds in memory (0: none, only the bytes; embedded engine). */
            int maxVisitors,
            /** What the visitors this node holds in memory may cost, all sites together (embedded engine; see Budgets). */
            long visitorBytes,
            /** One site's share of {@link #visitorBytes}, so one public key cannot take them all. */
            long visitorBytesPerSite,
            /** Sockets this node holds open (0: none beyond the per-address limit). */
            int maxSockets,
            /** One site's share of the node's sockets (0: none). */
            int maxSocketsPerSite,
            /** How long a commit waits for the database file's lock before it fails (and is answered 503). */
            int storeLockWaitMillis,
            /** Pings, pongs and closes one socket's peer may send a second; past it the socket is cut off (0: no limit). */
            int controlFramesPerSecond,
            /** A connection must send a request's line and headers within this time, and a next one within it after an answer. */
            int headerTimeoutMillis,
            /** Free space the data dir's disk keeps; below it new visitors get 503 and /readyz says so (0: no watermark). */
            long minFreeDiskBytes,
            /** What one site may keep in the history (bytes, estimated as written); past it its new visits are not recorded (0: no limit). */
            long maxHistoryBytesPerSite,
            /** Bytes of visitors one site may store a second (embedded engine), bursts of four seconds' worth (0: no limit). */
            long siteWriteBytesPerSecond) {

        /** The share of a node budget one site may hold by default: half, so the other half always serves the rest. */
        public static int siteShare(int nodeBudget) {
            return nodeBudget <= 0 ? 0 : Math.max(1, nodeBudget / 2);
        }

        public static Limits defaults() {
            return forHeap(Runtime.getRuntime().maxMemory());
        }

        /** The options' defaults (ServeOptions) on a heap of this size. */
        public static Limits forHeap(long heapBytes) {
            return ConfigRules.limits(ServeOptions.defaults(), heapBytes);
        }

        /**
         * What no option sets, and the node budgets sized to the heap: half of it for visitors, each
         * charged what it holds; a quarter for sockets at what an idle socket costs; a site's share of
         * each half the node's; no count caps on visitors. The limits options set are left at 0 for
         * {@link ConfigRules} to fill. See docs/operations.md for the measured sizes behind these figures.
         */
        static Limits forHeapOnly(long heapBytes) {
            long visitorBytes = Math.max(16L << 20, heapBytes / 2);
            int sockets = Math.max(1_000, socketsIn(heapBytes / 4));
            return new Limits(16 * 1024, 64 * 1024, 0, 100_000, 4_096, 0, 0, visitorBytes, visitorBytes / 2, sockets,
                    siteShare(sockets), 10_000, 0, 0, 0, 0, 0);
        }

        /**
         * The count one site's visitors may reach (0: no cap). With Redis the visitors live there, not
         * in this heap, and a site's count is all that bounds them: unless set, a site's share of what
         * the visitor memory would hold at the most a visitor can cost.
         */
        public int siteVisitorCap(boolean redis) {
            if (maxVisitorsPerSite > 0 || !redis) return maxVisitorsPerSite;
            return siteShare((int) Math.min(Integer.MAX_VALUE, visitorBytes / Budgets.VISITOR_MOST_BYTES));
        }

        /** The sockets {@code bytes} hold, at what an idle one costs. */
        static int socketsIn(long bytes) {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / Budgets.SOCKET_BYTES));
        }

        /** Count caps on the node's visitors and sockets, each site's share half of them. */
        public Limits withBudgets(int visitors, int sockets) {
            return with(b -> {
                b.maxVisitors = visitors;
                b.maxSockets = sockets;
                b.maxVisitorsPerSite = siteShare(visitors);
                b.maxSocketsPerSite = siteShare(sockets);
            });
        }

        public Limits withSocketWriteQueueBytes(int bytes) {
            return with(b -> b.socketWriteQueueBytes = bytes);
        }

        public Limits withMaxVisitorsPerSite(int n) {
            return with(b -> b.maxVisitorsPerSite = n);
        }

        public Limits withStoreLockWaitMillis(int millis) {
            return with(b -> b.storeLockWaitMillis = millis);
        }

        public Limits with(Consumer<LimitsBuilder> change) {
            LimitsBuilder b = new LimitsBuilder(this);
            change.accept(b);
            return b.build();
        }
    }

    /** The fields of {@link Limits}, to change some and build new ones. */
    public static final class LimitsBuilder {
        public int maxBodyBytes;
        public int maxFrameBytes;
        public int socketWriteQueueBytes;
        public int storeQueueCapacity;
        public int storeMaxBatch;
        public int maxVisitorsPerSite;
        public int maxVisitors;
        public long visitorBytes;
        public long visitorBytesPerSite;
        public int maxSockets;
        public int maxSocketsPerSite;
        public int storeLockWaitMillis;
        public int controlFramesPerSecond;
        public int headerTimeoutMillis;
        public long minFreeDiskBytes;
        public long maxHistoryBytesPerSite;
        public long siteWriteBytesPerSecond;

        LimitsBuilder(Limits l) {
            maxBodyBytes = l.maxBodyBytes();
            maxFrameBytes = l.maxFrameBytes();
            socketWriteQueueBytes = l.socketWriteQueueBytes();
            storeQueueCapacity = l.storeQueueCapacity();
            storeMaxBatch = l.storeMaxBatch();
            maxVisitorsPerSite = l.maxVisitorsPerSite();
            maxVisitors = l.maxVisitors();
            visitorBytes = l.visitorBytes();
            visitorBytesPerSite = l.visitorBytesPerSite();
            maxSockets = l.maxSockets();
            maxSocketsPerSite = l.maxSocketsPerSite();
            storeLockWaitMillis = l.storeLockWaitMillis();
            controlFramesPerSecond = l.controlFramesPerSecond();
            headerTimeoutMillis = l.headerTimeoutMillis();
            minFreeDiskBytes = l.minFreeDiskBytes();
            maxHistoryBytesPerSite = l.maxHistoryBytesPerSite();
            siteWriteBytesPerSecond = l.siteWriteBytesPerSecond();
        }

        Limits build() {
            return new Limits(maxBodyBytes, maxFrameBytes, socketWriteQueueBytes, storeQueueCapacity, storeMaxBatch, maxVisitorsPerSite,
                    maxVisitors, visitorBytes, visitorBytesPerSite, maxSockets, maxSocketsPerSite, storeLockWaitMillis, controlFramesPerSecond, headerTimeoutMillis,
                    minFreeDiskBytes, maxHistoryBytesPerSite, siteWriteBytesPerSecond);
        }
    }

    /**
     * Abuse limits; a null rate or a 0 count means no limit. The defaults let 1,000 visitors behind one
     * corporate NAT (33 heartbeats/s, bursts of page views, a reconnect storm after a restart) through untouched.
     */
    public record Rates(
            RateLimit trackPerIp,
            RateLimit trackPerSite,
            RateLimit upgradesPerIp,
            int socketsPerIp,
            RateLimit invitesPerSite,
            /** Open TCP connections per address (IPv6: per --ipv6-limit-prefix); trusted proxies are not counted. */
            int connectionsPerIp,
            /** Console sign-in attempts per address, and per site (failed ones with a key of no site count for the address only). */
            RateLimit signInPerIp,
            RateLimit signInPerSite,
            /** Messages one socket's peer may send (PING, GET_VISITORS...); past it they are answered with an error and dropped. */
            RateLimit socketMessages,
            /** Test deliveries a site may ask for. */
            RateLimit webhookTestsPerSite) {
        public static Rates defaults() {
            return ConfigRules.rates(ServeOptions.defaults());
        }

        public static Rates unlimited() {
            return new Rates(null, null, null, 0, null, 0, null, null, null, null);
        }

        /** The same limits with some changed: {@code rates.with(b -> b.socketsPerIp = 3)}. */
        public Rates with(Consumer<RatesBuilder> change) {
            RatesBuilder b = new RatesBuilder(this);
            change.accept(b);
            return b.build();
        }
    }

    /** The fields of {@link Rates}. */
    public static final class RatesBuilder {
        public RateLimit trackPerIp;
        public RateLimit trackPerSite;
        public RateLimit upgradesPerIp;
        public int socketsPerIp;
        public RateLimit invitesPerSite;
        public int connectionsPerIp;
        public RateLimit signInPerIp;
        public RateLimit signInPerSite;
        public RateLimit socketMessages;
        public RateLimit webhookTestsPerSite;

        RatesBuilder(Rates r) {
            trackPerIp = r.trackPerIp();
            trackPerSite = r.trackPerSite();
            upgradesPerIp = r.upgradesPerIp();
            socketsPerIp = r.socketsPerIp();
            invitesPerSite = r.invitesPerSite();
            connectionsPerIp = r.connectionsPerIp();
            signInPerIp = r.signInPerIp();
            signInPerSite = r.signInPerSite();
            socketMessages = r.socketMessages();
            webhookTestsPerSite = r.webhookTestsPerSite();
        }

        Rates build() {
            return new Rates(trackPerIp, trackPerSite, upgradesPerIp, socketsPerIp, invitesPerSite, connectionsPerIp, signInPerIp,
                    signInPerSite, socketMessages, webhookTestsPerSite);
        }
    }

    public static final String X_FORWARDED_FOR = "X-Forwarded-For";

    /** The options' defaults (ServeOptions), no variable or file read, with this data dir. */
    public static TippenConfig defaults(Path dataDir) {
        return ConfigRules.config(ServeOptions.defaults(), Set.of()).with(b -> b.dataDir = dataDir);
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
        public SessionOptions sessions;
        public MailOptions mail;
        public CallOptions calls;

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
            sessions = c.sessions;
            mail = c.mail;
            calls = c.calls;
        }

        public TippenConfig build() {
            return new TippenConfig(host, port, dataDir, redis, demo, visitorTtl, sweepInterval, inviteTtl, pingInterval,
                    exitGrace, visitGap, List.copyOf(trustedProxies), clientIpHeader, ipv6LimitPrefix, List.copyOf(allowedOrigins),
                    limits, rates, enrich, metricsToken, history, callLinkTemplate, webhooks, publicUrl, sessions, mail, calls);
        }
    }
}
