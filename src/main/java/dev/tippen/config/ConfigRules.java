package dev.tippen.config;

import dev.tippen.config.TippenConfig.Limits;
import dev.tippen.config.TippenConfig.Rates;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.enrich.RemoteEnricher;
import dev.tippen.enrich.RemoteProviders;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The one place where option values become a {@link TippenConfig}, and where every rule about them
 * is checked. A broken rule is an {@link IllegalArgumentException} that names the option.
 */
public final class ConfigRules {
    private ConfigRules() {}

    /**
     * @param given the options set by a flag, a variable or the file rather than by their defaults:
     *              some rules treat "asked for" differently from "left alone"
     */
    public static TippenConfig config(ServeOptions o, Set<String> given) {
        Duration ttl = positive("visitor-ttl", o.visitorTtl);
        Duration sweep = positive("sweep-interval", o.sweepInterval);
        Duration invite = positive("invite-ttl", o.inviteTtl);
        Duration ping = Durations.parse(o.pingInterval);
        if (ping.toSeconds() < 1) throw new IllegalArgumentException("--ping-interval must be at least 1s");
        Duration grace = Durations.parse(o.exitGrace);
        Duration askedGap = positive("visit-gap", o.visitGap);
        if (o.port < 0 || o.port > 65535) throw new IllegalArgumentException("--port must be 0..65535");
        // A shorter TTL alone shortens the visit gap with it; a gap asked for longer than the TTL is a mistake.
        if (askedGap.compareTo(ttl) > 0 && given.contains("visit-gap")) {
            throw new IllegalArgumentException("--visit-gap must not be longer than --visitor-ttl");
        }
        Duration gap = askedGap.compareTo(ttl) > 0 ? ttl : askedGap;
        List<Cidr> proxies = nonBlank(o.trustedProxies).stream().map(Cidr::parse).toList();
        if (o.ipv6LimitPrefix < 1 || o.ipv6LimitPrefix > 128) throw new IllegalArgumentException("--ipv6-limit-prefix must be 1..128");
        String ipHeader = blank(o.clientIpHeader) ? TippenConfig.X_FORWARDED_FOR : o.clientIpHeader.trim();
        if (!ipHeader.matches("[A-Za-z0-9-]{1,64}")) throw new IllegalArgumentException("--client-ip-header must be a header name");
        List<String> origins = nonBlank(o.allowedOrigins);
        Limits limits = limits(o, Runtime.getRuntime().maxMemory());
        Rates rates = rates(o);
        EnrichSettings enrich = enrich(o);
        String redisUrl = redisUrl(o.redis);
        TippenConfig.HistoryOptions history = history(o);
        WebhookOptions webhooks = webhooks(o);
        String callLink = callLinkTemplate(o.callLinkTemplate);
        String publicUrl = publicUrl(o.publicUrl);
        return new TippenConfig(o.host, o.port, o.dataDir, redisUrl, o.demo, ttl, sweep, invite, ping, grace, gap, proxies, ipHeader,
                o.ipv6LimitPrefix, origins.isEmpty() ? List.of("*") : origins, limits, rates, enrich, blankToNull(o.metricsToken),
                history, callLink, webhooks, publicUrl, sessions(o), mail(o), calls(o));
    }

    static TippenConfig.CallOptions calls(ServeOptions o) {
        List<String> stun = nonBlank(o.stun);
        List<String> turn = nonBlank(o.turnUrls);
        for (String s : stun) {
            if (!s.matches("stuns?:[^\\s]+")) throw new IllegalArgumentException("--stun must be a stun: or stuns: URL, e.g. stun:stun.example.com:3478");
        }
        for (String t : turn) {
            if (!t.matches("turns?:[^\\s]+")) throw new IllegalArgumentException("--turn-url must be a turn: or turns: URL, e.g. turn:turn.example.com:3478");
        }
        String secret = blankToNull(o.turnSecret);
        if (!turn.isEmpty() && secret == null) throw new IllegalArgumentException("--turn-url needs --turn-secret (coturn's static-auth-secret)");
        if (turn.isEmpty() && secret != null) throw new IllegalArgumentException("--turn-secret needs --turn-url");
        if (o.callRelayOnly && turn.isEmpty()) throw new IllegalArgumentException("--call-relay-only needs a TURN server (--turn-url and --turn-secret)");
        Duration lifetime = Durations.parse(o.turnLifetime);
        if (lifetime.toMinutes() < 1 || lifetime.toHours() > 48) throw new IllegalArgumentException("--turn-lifetime must be between 1m and 48h");
        return new TippenConfig.CallOptions(stun, turn, secret, lifetime, o.callRelayOnly);
    }

    private static TippenConfig.MailOptions mail(ServeOptions o) {
        String url = blankToNull(o.smtpUrl);
        String from = blankToNull(o.smtpFrom);
        if (url == null) {
            if (from != null) throw new IllegalArgumentException("--smtp-from needs --smtp-url");
            return TippenConfig.MailOptions.NONE;
        }
        java.net.URI u;
        try {
            u = java.net.URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--smtp-url: not a URL: " + e.getMessage());
        }
        if (!"smtp".equals(u.getScheme()) && !"smtps".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("--smtp-url must be smtp://[user:pass@]host[:port] or smtps://...");
        }
        if (from == null || !from.matches("[^@\\s<>\"]+@[^@\\s<>\"]+")) throw new IllegalArgumentException("--smtp-url needs --smtp-from, an e-mail address");
        return new TippenConfig.MailOptions(url.trim(), from.trim());
    }

    private static TippenConfig.SessionOptions sessions(ServeOptions o) {
        Duration idle = positive("session-idle", o.sessionIdle);
        Duration lifetime = positive("session-lifetime", o.sessionLifetime);
        if (idle.toSeconds() < 60) throw new IllegalArgumentException("--session-idle must be at least 1m");
        if (lifetime.compareTo(idle) < 0) throw new IllegalArgumentException("--session-lifetime must not be shorter than --session-idle");
        return new TippenConfig.SessionOptions(idle, lifetime);
    }

    /** The budgets: node-wide ones sized to the heap unless set, a site's share half of each unless set. */
    static Limits limits(ServeOptions o, long heapBytes) {
        if (o.maxVisitors < 0 || o.maxSockets < 0 || o.maxVisitorsPerSite < 0 || o.maxSocketsPerSite < 0) {
            throw new IllegalArgumentException(
                    "--max-visitors, --max-visitors-per-site, --max-sockets and --max-sockets-per-site must be 0 (the default) or more");
        }
        if (o.socketControlFrames < 0) throw new IllegalArgumentException("--socket-control-frames must be 0 (no limit) or more");
        Duration headerWait = Durations.parse(o.headerTimeout);
        if (headerWait.toMillis() < 500) throw new IllegalArgumentException("--header-timeout must be at least 500ms");
        long writeBudget = ByteSizes.parse(o.socketWriteBudget);
        if (writeBudget < 64 * 1024 || writeBudget > 256L * 1024 * 1024) {
            throw new IllegalArgumentException("--socket-write-budget must be 64KB..256MB");
        }
        long freeDisk = ByteSizes.parse(o.minFreeDisk);
        long historyPerSite = ByteSizes.parse(o.maxHistoryBytesPerSite);
        long siteWrites = ByteSizes.parse(o.trackBytesSite);
        long visitorBytes = ByteSizes.parse(o.visitorMemory);
        long visitorBytesPerSite = ByteSizes.parse(o.visitorMemoryPerSite);
        long socketBytes = ByteSizes.parse(o.socketMemory);
        if (visitorBytes != 0 && visitorBytes < (1 << 20) || visitorBytesPerSite != 0 && visitorBytesPerSite < (1 << 20)
                || socketBytes != 0 && socketBytes < (1 << 20)) {
            throw new IllegalArgumentException(
                    "--visitor-memory, --visitor-memory-per-site and --socket-memory must be 0 (sized to the heap) or at least 1MB");
        }
        Limits heap = Limits.forHeapOnly(heapBytes);
        long nodeBytes = visitorBytes > 0 ? visitorBytes : heap.visitorBytes();
        long siteBytes = visitorBytesPerSite > 0 ? Math.min(visitorBytesPerSite, nodeBytes) : nodeBytes / 2;
        // Every idle socket holds about the same, so its bytes come to a count; what one may queue is --socket-write-budget.
        int byBytes = socketBytes > 0 ? Limits.socketsIn(socketBytes) : heap.maxSockets();
        int sockets = o.maxSockets > 0 ? Math.min(byBytes, o.maxSockets) : byBytes;
        int siteVisitors = o.maxVisitorsPerSite > 0 ? o.maxVisitorsPerSite : Limits.siteShare(o.maxVisitors);
        return heap.with(b -> {
            b.visitorBytes = nodeBytes;
            b.visitorBytesPerSite = siteBytes;
            b.maxVisitors = o.maxVisitors;
            b.maxVisitorsPerSite = siteVisitors;
            b.maxSockets = sockets;
            b.maxSocketsPerSite = o.maxSocketsPerSite > 0 ? o.maxSocketsPerSite : Limits.siteShare(sockets);
            b.controlFramesPerSecond = o.socketControlFrames;
            b.socketWriteQueueBytes = (int) writeBudget;
            b.headerTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, headerWait.toMillis());
            b.minFreeDiskBytes = freeDisk;
            b.maxHistoryBytesPerSite = historyPerSite;
            b.siteWriteBytesPerSecond = siteWrites;
        });
    }

    static Rates rates(ServeOptions o) {
        if (o.socketsPerIp < 0) throw new IllegalArgumentException("--sockets-per-ip must be 0 (no limit) or more");
        if (o.connectionsPerIp < 0) throw new IllegalArgumentException("--connections-per-ip must be 0 (no limit) or more");
        return new Rates(RateLimit.parse(o.trackLimitIp), RateLimit.parse(o.trackLimitSite), RateLimit.parse(o.upgradeLimitIp),
                o.socketsPerIp, RateLimit.parse(o.inviteLimitSite), o.connectionsPerIp, RateLimit.parse(o.signInLimitIp),
                RateLimit.parse(o.signInLimitSite), RateLimit.parse(o.socketMessageLimit), RateLimit.parse(o.webhookTestLimitSite));
    }

    static WebhookOptions webhooks(ServeOptions o) {
        List<Duration> retries = new ArrayList<>();
        for (String part : o.webhookRetries.split(",")) {
            if (!part.isBlank()) retries.add(Durations.parse(part.trim()));
        }
        if (retries.isEmpty()) throw new IllegalArgumentException("--webhook-retries needs at least one delay (the first attempt's, e.g. 0s)");
        if (o.webhookQueue < 1) throw new IllegalArgumentException("--webhook-queue must be at least 1");
        if (o.webhookSenders < 1 || o.webhookSenders > 64) throw new IllegalArgumentException("--webhook-senders must be 1..64");
        if (o.webhookConcurrency < 1 || o.webhookConcurrency > 4) throw new IllegalArgumentException("--webhook-concurrency must be 1..4");
        return new WebhookOptions(retries, o.webhooksAllowHttp, o.webhooksAllowPrivate, o.webhookQueue, o.webhookSenders,
                o.webhookConcurrency, positive("webhook-disable-after", o.webhookDisableAfter), WebhookOptions.TIMEOUT);
    }

    static TippenConfig.HistoryOptions history(ServeOptions o) {
        Duration retention = Durations.parse(o.historyRetention);
        if (retention.toHours() < 24) throw new IllegalArgumentException("--history-retention must be at least 1d");
        String store = blank(o.history) ? TippenConfig.HistoryOptions.SQLITE : o.history.trim();
        TippenConfig.HistoryOptions h = new TippenConfig.HistoryOptions(store, retention);
        if (!store.equals(TippenConfig.HistoryOptions.SQLITE) && !store.equals(TippenConfig.HistoryOptions.OFF) && !h.postgres()) {
            throw new IllegalArgumentException("--history must be sqlite, off or a postgres:// URL");
        }
        return h;
    }

    static EnrichSettings enrich(ServeOptions o) {
        // The default directory may simply not be there yet (it is watched, and read once files
        // arrive); a directory the operator named must be there.
        Path dir = o.ipDataDir;
        if (dir != null && !Files.isDirectory(dir) && !dir.equals(Path.of(ServeOptions.DEFAULT_IP_DATA)) && !o.ipDataOptional) {
            throw new IllegalArgumentException("--ip-data-dir " + dir + " is not a directory");
        }
        IpDataFiles files = new IpDataFiles(paths(o.asnDbs), paths(o.countryDbs), paths(o.cityDbs), dir, o.ipDataOptional);
        String provider = blankToNull(o.enrichProvider);
        String url = blankToNull(o.enrichUrl);
        String key = blankToNull(o.enrichKey);
        if (provider == null && (url != null || key != null)) {
            provider = url != null && url.contains("clearbit") ? RemoteProviders.CLEARBIT : RemoteProviders.IPINFO;
        }
        if (provider != null && !provider.equals(RemoteProviders.IPINFO) && !provider.equals(RemoteProviders.CLEARBIT)) {
            throw new IllegalArgumentException("--enrich-provider must be ipinfo or clearbit, not '" + provider + "'");
        }
        Duration timeout = positive("enrich-timeout", o.enrichTimeout);
        RemoteEnricher.Settings d = RemoteEnricher.Settings.defaults();
        RemoteEnricher.Settings guards = new RemoteEnricher.Settings(timeout, d.maxInFlight(), d.cacheSize(), d.ttl(),
                d.negativeTtl(), d.breakerWindow(), d.breakerOpenFor());
        return EnrichSettings.defaults().withIpData(files).withPrivacy(o.ipAnonymize, o.showBots).withProvider(provider, url, key, guards);
    }

    /** A bare host:port is taken as redis://host:port; anything else must be a redis:// or rediss:// URL. */
    public static String redisUrl(String value) {
        String v = blankToNull(value);
        if (v == null) return null;
        if (!v.contains("://")) v = "redis://" + v;
        if (!v.startsWith("redis://") && !v.startsWith("rediss://")) {
            throw new IllegalArgumentException("--redis must be a redis:// or rediss:// URL, not '" + value + "'");
        }
        return v;
    }

    static String publicUrl(String value) {
        String u = blankToNull(value);
        if (u == null) return null;
        if (httpUrl(u)) return u.replaceAll("/+$", "");
        throw new IllegalArgumentException("--public-url must be an http(s) URL, e.g. https://tippen.example.com");
    }

    static String callLinkTemplate(String value) {
        String t = blankToNull(value);
        if (t == null) return null;
        if (httpUrl(t.replace("{visitorId}", "v"))) return t;
        throw new IllegalArgumentException("--call-link-template must be an http(s) URL, e.g. https://meet.example.com/{visitorId}");
    }

    private static boolean httpUrl(String s) {
        try {
            URI u = URI.create(s);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Duration positive(String name, String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + ": " + e.getMessage());
        }
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("--" + name + " must be positive");
        return d;
    }

    private static List<Path> paths(List<String> values) {
        return nonBlank(values).stream().map(Path::of).toList();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s.trim();
    }

    private static List<String> nonBlank(List<String> values) {
        if (values == null) return List.of();
        return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
