package dev.tippen.app;

import dev.tippen.config.Cidr;
import dev.tippen.config.Durations;
import dev.tippen.config.RateLimit;
import dev.tippen.config.TippenConfig;
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
    @Option(names = "--port", defaultValue = "${env:TIPPEN_PORT:-8787}", description = "Port (TIPPEN_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "${env:TIPPEN_HOST:-127.0.0.1}",
            description = "Address to listen on; 0.0.0.0 to expose (TIPPEN_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data-dir", defaultValue = "${env:TIPPEN_DATA_DIR:-./data}", description = "Where the SQLite file lives (TIPPEN_DATA_DIR, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--visitor-ttl", defaultValue = "${env:TIPPEN_VISITOR_TTL:-30m}",
            description = "A visitor is removed this long after its last event (TIPPEN_VISITOR_TTL, default ${DEFAULT-VALUE}).")
    String visitorTtl;

    @Option(names = "--sweep-interval", defaultValue = "${env:TIPPEN_SWEEP_INTERVAL:-5s}",
            description = "Dashboards learn of expired visitors within this time (TIPPEN_SWEEP_INTERVAL, default ${DEFAULT-VALUE}).")
    String sweepInterval;

    @Option(names = "--invite-ttl", defaultValue = "${env:TIPPEN_INVITE_TTL:-5m}",
            description = "How long an unanswered invite waits for its visitor (TIPPEN_INVITE_TTL, default ${DEFAULT-VALUE}).")
    String inviteTtl;

    @Option(names = "--ping-interval", defaultValue = "${env:TIPPEN_PING_INTERVAL:-30s}",
            description = "Idle sockets are pinged this often and closed after three silent intervals (TIPPEN_PING_INTERVAL, default ${DEFAULT-VALUE}).")
    String pingInterval;

    @Option(names = "--demo", defaultValue = "${env:TIPPEN_DEMO:-false}",
            description = "Create the demo site with the insecure key demo_api_key (TIPPEN_DEMO).")
    boolean demo;

    @Option(names = "--trusted-proxy", split = ",", defaultValue = "${env:TIPPEN_TRUSTED_PROXY:-}",
            description = "CIDRs of proxies whose X-Forwarded-For / CF-Connecting-IP is believed (TIPPEN_TRUSTED_PROXY, comma-separated).")
    List<String> trustedProxies;

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

    @Option(names = "--sockets-per-ip", defaultValue = "${env:TIPPEN_SOCKETS_PER_IP:-5000}",
            description = "Open WebSockets per client IP, 0 for no limit (TIPPEN_SOCKETS_PER_IP, default ${DEFAULT-VALUE}).")
    int socketsPerIp;

    @Option(names = "--invite-limit-site", defaultValue = "${env:TIPPEN_INVITE_LIMIT_SITE:-20/s:100}",
            description = "Video invites per site (TIPPEN_INVITE_LIMIT_SITE, default ${DEFAULT-VALUE}).")
    String inviteLimitSite;

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
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535");
        if (sweep.isZero() || ttl.isZero() || invite.isZero() || ping.toSeconds() < 1) {
            throw new IllegalArgumentException("durations must be positive (ping interval at least 1s)");
        }
        List<Cidr> proxies = nonBlank(trustedProxies).stream().map(Cidr::parse).toList();
        List<String> origins = nonBlank(allowedOrigins);
        if (socketsPerIp < 0) throw new IllegalArgumentException("--sockets-per-ip must be 0 (no limit) or more");
        TippenConfig.Rates rates = new TippenConfig.Rates(RateLimit.parse(trackLimitIp), RateLimit.parse(trackLimitSite),
                RateLimit.parse(upgradeLimitIp), socketsPerIp, RateLimit.parse(inviteLimitSite));
        return new TippenConfig(host, port, dataDir, ttl, sweep, invite, ping, demo, proxies,
                origins.isEmpty() ? List.of("*") : origins, TippenConfig.Limits.defaults(), rates);
    }

    private static List<String> nonBlank(List<String> values) {
        if (values == null) return List.of();
        return values.stream().flatMap(v -> Arrays.stream(v.split(","))).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
