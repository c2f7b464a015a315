package dev.tippen.config;

import dev.tippen.enrich.EnrichSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a running server is told. Built by {@code ServeCommand} from flags and TIPPEN_* variables,
 * and by tests directly.
 */
public record TippenConfig(
        String host,
        int port,
        Path dataDir,
        Duration visitorTtl,
        Duration sweepInterval,
        Duration inviteTtl,
        Duration pingInterval,
        boolean demo,
        List<Cidr> trustedProxies,
        List<String> allowedOrigins,
        Limits limits,
        Rates rates,
        EnrichSettings enrich,
        String redis) {

    /** Bounds on every queue and buffer, so that no input can grow memory without limit. */
    public record Limits(
            int maxBodyBytes,
            int maxFrameBytes,
            int socketWriteQueueBytes,
            int storeQueueCapacity,
            int storeMaxBatch,
            int maxVisitorsPerSite) {
        public static Limits defaults() {
            return new Limits(16 * 1024, 64 * 1024, 1024 * 1024, 100_000, 4_096, 1_000_000);
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

    public static TippenConfig defaults(Path dataDir) {
        return new TippenConfig("127.0.0.1", 8787, dataDir, Duration.ofMinutes(30), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), false, List.of(), List.of("*"), Limits.defaults(), Rates.defaults(),
                EnrichSettings.defaults(), null);
    }

    public TippenConfig withPort(int p) {
        return new TippenConfig(host, p, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, limits, rates, enrich, redis);
    }

    public TippenConfig withDemo(boolean d) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, d,
                trustedProxies, allowedOrigins, limits, rates, enrich, redis);
    }

    public TippenConfig withTimes(Duration ttl, Duration sweep, Duration invite) {
        return new TippenConfig(host, port, dataDir, ttl, sweep, invite, pingInterval, demo, trustedProxies,
                allowedOrigins, limits, rates, enrich, redis);
    }

    public TippenConfig withPingInterval(Duration ping) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, ping, demo, trustedProxies,
                allowedOrigins, limits, rates, enrich, redis);
    }

    public TippenConfig withTrustedProxies(List<Cidr> proxies) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                proxies, allowedOrigins, limits, rates, enrich, redis);
    }

    public TippenConfig withLimits(Limits l) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, l, rates, enrich, redis);
    }

    public TippenConfig withRates(Rates r) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, limits, r, enrich, redis);
    }

    public TippenConfig withEnrich(EnrichSettings e) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, limits, rates, e, redis);
    }

    /** Shares every site's state with other nodes through the Redis (or Valkey) at this URL; null keeps SQLite. */
    public TippenConfig withRedis(String url) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, limits, rates, enrich, url);
    }
}
