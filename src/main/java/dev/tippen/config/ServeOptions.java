package dev.tippen.config;

import dev.tippen.enrich.RemoteEnricher;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every option of {@code tippen serve}, with its one default. The same name is a flag
 * ({@code --visitor-ttl 30m}), a variable ({@code TIPPEN_VISITOR_TTL=30m}) and a key of the
 * configuration file ({@code visitor-ttl = "30m"}); {@link ConfigSources} layers them and
 * {@link ConfigRules} turns the values into a {@link TippenConfig}, checking each rule once.
 */
public final class ServeOptions {
    /** The sample file's headings: each names the group of options that starts at its key. */
    public static final Map<String, String> SECTIONS = sections(
            "port", "Where it listens and keeps its data",
            "visitor-ttl", "Visitors, invites and sockets",
            "trusted-proxy", "Clients behind proxies, and the pages that may use the console's API",
            "max-visitors", "Budgets: what the node, one site and one socket may hold (sizes: 512KB, 8MB, 2GB)",
            "track-limit-ip", "Rate limits: RATE/s[:BURST], or off",
            "webhook-retries", "Webhooks and Slack",
            "ip-data-dir", "Who the visitor is: IP databases and a paid provider");

    /** Options whose values are printed masked. URLs with a password in them are masked by {@link ConfigText}. */
    public static final Set<String> SECRETS = Set.of("metrics-token", "enrich-key");

    static final String DEFAULT_IP_DATA = "./ipdata";
    /** Also the defaults of {@code tippen health}, which asks the server these name. */
    public static final String DEFAULT_PORT = "8787";
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Also the default of the commands that open the data dir beside a server (keys, backup, restore). */
    public static final String DEFAULT_DATA_DIR = "./data";

    @Option(names = "--port", defaultValue = DEFAULT_PORT, description = "The port to listen on (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = DEFAULT_HOST,
            description = "Address to listen on; 0.0.0.0 to expose (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", defaultValue = DEFAULT_DATA_DIR, description = "Where the SQLite file lives (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--redis", defaultValue = "",
            description = "Share all state with other nodes through this Redis or Valkey, e.g. redis://host:6379. Without it, state stays in SQLite under --data-dir.")
    String redis;

    @Option(names = "--history", defaultValue = "sqlite",
            description = "Where visits are remembered: sqlite (history.db in the data dir), off, or postgres://user:pass@host:5432/db "
                    + "(needed with --redis) (default ${DEFAULT-VALUE}).")
    String history;

    @Option(names = "--history-retention", defaultValue = "400d",
            description = "Visits older than this are deleted (default ${DEFAULT-VALUE}).")
    String historyRetention;

    @Option(names = "--public-url", defaultValue = "",
            description = "Where people reach this server, e.g. https://tippen.example.com: notifications link back to the console.")
    String publicUrl;

    @Option(names = "--smtp-url", defaultValue = "",
            description = "Optional: e-mail join links through this server, smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465.")
    String smtpUrl;

    @Option(names = "--smtp-from", defaultValue = "",
            description = "The sender of those e-mails, e.g. tippen@example.com (needed with --smtp-url).")
    String smtpFrom;

    @Option(names = "--metrics-token", defaultValue = "",
            description = "/metrics answers only with this bearer token. Set it whenever --host is not loopback.")
    String metricsToken;

    @Option(names = "--demo", arity = "0..1", defaultValue = "false",
            description = "Create the demo site with the insecure key demo_api_key.")
    boolean demo;

    @Option(names = "--visitor-ttl", defaultValue = "30m",
            description = "A visitor is removed this long after its last event (default ${DEFAULT-VALUE}).")
    String visitorTtl;

    @Option(names = "--visit-gap", defaultValue = "30m",
            description = "A visit ends after this long without events; at most --visitor-ttl (default ${DEFAULT-VALUE}).")
    String visitGap;

    @Option(names = "--exit-grace", defaultValue = "10s",
            description = "An exit of the page a visitor is on, or its last socket closing, takes effect only if no event or new socket follows within this time; a click to the next page sends both (default ${DEFAULT-VALUE}; 0s: at once).")
    String exitGrace;

    @Option(names = "--sweep-interval", defaultValue = "5s",
            description = "Dashboards learn of expired visitors within this time (default ${DEFAULT-VALUE}).")
    String sweepInterval;

    @Option(names = "--invite-ttl", defaultValue = "5m",
            description = "How long an unanswered invite waits for its visitor (default ${DEFAULT-VALUE}).")
    String inviteTtl;

    @Option(names = "--ping-interval", defaultValue = "30s",
            description = "Idle sockets are pinged this often and closed after three silent intervals (default ${DEFAULT-VALUE}).")
    String pingInterval;

    @Option(names = "--session-idle", defaultValue = "2h",
            description = "A console session unused this long ends; an open console keeps it in use (default ${DEFAULT-VALUE}).")
    String sessionIdle;

    @Option(names = "--session-lifetime", defaultValue = "12h",
            description = "A console session ends this long after sign-in, however much it is used (default ${DEFAULT-VALUE}).")
    String sessionLifetime;

    @Option(names = "--call-link-template", defaultValue = "",
            description = "The console's invite dialog starts from this guest URL, {visitorId} filled in, "
                    + "e.g. https://meet.example.com/{visitorId}.")
    String callLinkTemplate;

    @Option(names = "--stun", split = ",", defaultValue = "",
            description = "A STUN server for calls in Tippen, e.g. stun:stun.example.com:3478 (repeatable or comma-separated; default none).")
    List<String> stun;

    @Option(names = "--turn-url", split = ",", defaultValue = "",
            description = "A TURN server for calls, e.g. turn:turn.example.com:3478?transport=udp (repeatable or comma-separated; needs --turn-secret).")
    List<String> turnUrls;

    @Option(names = "--turn-secret", defaultValue = "",
            description = "The TURN server's shared secret (coturn's static-auth-secret): each call's two parties get credentials made from it.")
    String turnSecret;

    @Option(names = "--turn-lifetime", defaultValue = "2h",
            description = "How long a call's TURN credentials work (default ${DEFAULT-VALUE}).")
    String turnLifetime;

    @Option(names = "--call-relay-only", defaultValue = "false",
            description = "Calls go through the TURN server only, so neither side learns the other's address (needs --turn-url).")
    boolean callRelayOnly;

    @Option(names = "--trusted-proxy", split = ",", defaultValue = "",
            description = "CIDRs of proxies whose --client-ip-header is believed (comma-separated).")
    List<String> trustedProxies;

    @Option(names = "--client-ip-header", defaultValue = TippenConfig.X_FORWARDED_FOR,
            description = "The one header a trusted proxy names the client in (default ${DEFAULT-VALUE}, "
                    + "read from the right; CF-Connecting-IP behind Cloudflare). Every other header is ignored.")
    String clientIpHeader;

    @Option(names = "--ipv6-limit-prefix", defaultValue = "64",
            description = "IPv6 clients share the per-address limits by this network prefix (default ${DEFAULT-VALUE}).")
    int ipv6LimitPrefix;

    @Option(names = "--allowed-origin", split = ",", defaultValue = "*",
            description = "Origins whose pages may use the dashboard socket and invite API (default ${DEFAULT-VALUE}). Tracking always accepts any origin.")
    List<String> allowedOrigins;

    @Option(names = "--visitor-memory", defaultValue = "0",
            description = "What the visitors this node holds in memory may cost, all sites together, each charged what it holds; "
                    + "past it new visitors get 503 (default 0: half the heap, see docs/operations.md).")
    String visitorMemory;

    @Option(names = "--visitor-memory-per-site", defaultValue = "0",
            description = "One site's share of --visitor-memory (more than it: all of it); past it that site's new visitors get 503 (default 0: half the node's).")
    String visitorMemoryPerSite;

    @Option(names = "--max-visitors", defaultValue = "0",
            description = "A cap on the count of visitors this node holds, on top of --visitor-memory; past it new visitors get 503 (default 0: no cap).")
    int maxVisitors;

    @Option(names = "--max-visitors-per-site", defaultValue = "0",
            description = "A cap on the count of one site's visitors; past it that site's new visitors get 503 "
                    + "(default 0: half --max-visitors if set, else none; with --redis, a share of what the heap would hold at the most a visitor costs).")
    int maxVisitorsPerSite;

    @Option(names = "--socket-memory", defaultValue = "0",
            description = "What the sockets this node holds open may cost, at what an idle one holds (see docs/operations.md); "
                    + "past it new sockets get 503 (default 0: a quarter of the heap).")
    String socketMemory;

    @Option(names = "--max-sockets", defaultValue = "0",
            description = "A cap on the count of open sockets, on top of --socket-memory; past it new sockets get 503 (default 0: no cap).")
    int maxSockets;

    @Option(names = "--max-sockets-per-site", defaultValue = "0",
            description = "Sockets one site may hold open; past it that site's new sockets get 503 (default 0: half the node's sockets).")
    int maxSocketsPerSite;

    @Option(names = "--connections-per-ip", defaultValue = "1500",
            description = "Open TCP connections per client address (IPv6: per --ipv6-limit-prefix); past it a new one is closed at accept; "
                    + "trusted proxies are not counted; 0 for no limit (default ${DEFAULT-VALUE}).")
    int connectionsPerIp;

    @Option(names = "--sockets-per-ip", defaultValue = "1000",
            description = "Open WebSockets per client IP, 0 for no limit (default ${DEFAULT-VALUE}).")
    int socketsPerIp;

    @Option(names = "--header-timeout", defaultValue = "10s",
            description = "A connection must send a request's line and headers within this time of opening or of its last answer, and a body within it of its headers (default ${DEFAULT-VALUE}).")
    String headerTimeout;

    @Option(names = "--socket-control-frames", defaultValue = "10",
            description = "Pings, pongs and closes a socket's peer may send a second; past it the socket is closed with 1008 (default ${DEFAULT-VALUE}; 0: no limit).")
    int socketControlFrames;

    @Option(names = "--socket-write-budget", defaultValue = "1MB",
            description = "What one socket may have written but not taken by its peer (pongs included); past it the socket is closed with 1008 (default ${DEFAULT-VALUE}).")
    String socketWriteBudget;

    @Option(names = "--socket-message-limit", defaultValue = "5/s:20",
            description = "Messages (PING, GET_VISITORS) one socket's peer may send; past it they are answered with an ERROR and dropped (default ${DEFAULT-VALUE}).")
    String socketMessageLimit;

    @Option(names = "--min-free-disk", defaultValue = "512MB",
            description = "Free space the data dir's disk keeps; below it new visitors get 503 and /readyz answers 503 (default ${DEFAULT-VALUE}; 0: no watermark).")
    String minFreeDisk;

    @Option(names = "--track-bytes-site", defaultValue = "8MB",
            description = "Bytes of visitors one site may store a second, bursts of four seconds' worth: every page view rewrites its visitor, "
                    + "trail and all; past it that site's events get 429 (default ${DEFAULT-VALUE}; 0: no limit).")
    String trackBytesSite;

    @Option(names = "--max-history-bytes-per-site", defaultValue = "2GB",
            description = "What one site may keep in the history; past it its new visits and pages are not recorded until retention frees room (default ${DEFAULT-VALUE}; 0: no limit).")
    String maxHistoryBytesPerSite;

    @Option(names = "--track-limit-ip", defaultValue = "100/s:1000",
            description = "Tracking events per client IP: RATE/s[:BURST] or off (default ${DEFAULT-VALUE}).")
    String trackLimitIp;

    @Option(names = "--track-limit-site", defaultValue = "5000/s:20000",
            description = "Tracking events per site (default ${DEFAULT-VALUE}).")
    String trackLimitSite;

    @Option(names = "--upgrade-limit-ip", defaultValue = "50/s:1000",
            description = "WebSocket upgrades per client IP (default ${DEFAULT-VALUE}).")
    String upgradeLimitIp;

    @Option(names = "--invite-limit-site", defaultValue = "20/s:100",
            description = "Video invites per site (default ${DEFAULT-VALUE}).")
    String inviteLimitSite;

    @Option(names = "--sign-in-limit-ip", defaultValue = "1/s:10",
            description = "Console sign-in attempts per client address (default ${DEFAULT-VALUE}).")
    String signInLimitIp;

    @Option(names = "--sign-in-limit-site", defaultValue = "5/s:30",
            description = "Console sign-in attempts per site (default ${DEFAULT-VALUE}).")
    String signInLimitSite;

    @Option(names = "--webhook-test-limit-site", defaultValue = "1/s:5",
            description = "Test deliveries a site may ask for (default ${DEFAULT-VALUE}).")
    String webhookTestLimitSite;

    @Option(names = "--webhook-retries", defaultValue = "0s,5s,5m,30m,2h,5h,10h,10h,14h,20h,24h",
            description = "Delay before each webhook attempt, the first one included, jittered by ±20%% (default ${DEFAULT-VALUE}).")
    String webhookRetries;

    @Option(names = "--webhook-queue", defaultValue = "10000",
            description = "Undelivered webhooks an endpoint may hold; beyond it the oldest are dropped and counted (default ${DEFAULT-VALUE}).")
    int webhookQueue;

    @Option(names = "--webhook-senders", defaultValue = "8",
            description = "Threads sending webhooks, the most requests in flight in all (default ${DEFAULT-VALUE}).")
    int webhookSenders;

    @Option(names = "--webhook-concurrency", defaultValue = "2",
            description = "Requests in flight per endpoint, 1..4; Slack endpoints take one (default ${DEFAULT-VALUE}).")
    int webhookConcurrency;

    @Option(names = "--webhook-disable-after", defaultValue = "5d",
            description = "An endpoint failing this long without one success is disabled (default ${DEFAULT-VALUE}).")
    String webhookDisableAfter;

    @Option(names = "--webhooks-allow-http", arity = "0..1", defaultValue = "false",
            description = "Accept http:// webhook URLs, not only https.")
    boolean webhooksAllowHttp;

    @Option(names = "--webhooks-allow-private", arity = "0..1", defaultValue = "false",
            description = "Send webhooks to loopback, private and link-local addresses too: for tests and intranets.")
    boolean webhooksAllowPrivate;

    @Option(names = "--ip-data-dir", defaultValue = DEFAULT_IP_DATA,
            description = "Directory of IP databases, recognised by file name (default ${DEFAULT-VALUE}; "
                    + "'./tippen fetch-ip-data' fills it). Missing default directory: no IP data.")
    Path ipDataDir;

    @Option(names = "--asn-db", split = ",", defaultValue = "",
            description = "IP-to-ASN files: ip-location-db .csv or MaxMind-format .mmdb (comma-separated).")
    List<String> asnDbs;

    @Option(names = "--country-db", split = ",", defaultValue = "",
            description = "IP-to-country files: .csv or .mmdb (comma-separated).")
    List<String> countryDbs;

    @Option(names = "--city-db", split = ",", defaultValue = "",
            description = "IP-to-city MaxMind-format files, GeoIP2 or flat layout (comma-separated).")
    List<String> cityDbs;

    @Option(names = "--ip-data-optional", arity = "0..1", defaultValue = "false",
            description = "A missing or unreadable IP database is a warning, not a start-up error.")
    boolean ipDataOptional;

    @Option(names = "--ip-anonymize", arity = "0..1", defaultValue = "false",
            description = "Store, show and look up only the /24 (IPv4) or /48 (IPv6) network of each visitor.")
    boolean ipAnonymize;

    @Option(names = "--show-bots", arity = "0..1", defaultValue = "false",
            description = "Show visitors flagged as bots on the dashboards' live list.")
    boolean showBots;

    @Option(names = "--enrich-provider", defaultValue = "",
            description = "Paid IP-to-company provider: ipinfo or clearbit (ipinfo when only a key is given).")
    String enrichProvider;

    @Option(names = "--enrich-url", defaultValue = "",
            description = "Base URL of the provider's API (default the provider's own).")
    String enrichUrl;

    @Option(names = "--enrich-key", defaultValue = "",
            description = "The provider's API key, sent as a bearer token.")
    String enrichKey;

    @Option(names = "--enrich-timeout", defaultValue = RemoteEnricher.Settings.DEFAULT_TIMEOUT_SECONDS + "s",
            description = "Longest wait for the provider (default ${DEFAULT-VALUE}).")
    String enrichTimeout;

    /** The options as their defaults set them, no variable or file read: what {@link TippenConfig#defaults} is made of. */
    public static ServeOptions defaults() {
        return Defaults.OPTIONS;
    }

    /** Every option's name, without its dashes, in the order the sample file lists them. */
    public static List<String> names() {
        return Defaults.NAMES;
    }

    /** The options as picocli declares them (description, default), in declaration order. */
    public static List<CommandLine.Model.OptionSpec> specs() {
        return CommandLine.Model.CommandSpec.forAnnotatedObject(new ServeOptions()).options();
    }

    public static String name(CommandLine.Model.OptionSpec option) {
        return option.longestName().replaceFirst("^--", "");
    }

    private static Map<String, String> sections(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return Map.copyOf(m);
    }

    /** Parsed once: picocli reads the annotations by reflection. Never changed after. */
    private static final class Defaults {
        static final ServeOptions OPTIONS = parse();
        static final List<String> NAMES = specs().stream().map(ServeOptions::name).collect(Collectors.toUnmodifiableList());

        private static ServeOptions parse() {
            ServeOptions o = new ServeOptions();
            new CommandLine(o).parseArgs();
            return o;
        }
    }
}
