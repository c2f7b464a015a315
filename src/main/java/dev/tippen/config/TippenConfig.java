package dev.tippen.config;

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
        Limits limits) {

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

    public static TippenConfig defaults(Path dataDir) {
        return new TippenConfig("127.0.0.1", 8787, dataDir, Duration.ofMinutes(30), Duration.ofSeconds(5),
                Duration.ofMinutes(5), Duration.ofSeconds(30), false, List.of(), List.of("*"), Limits.defaults());
    }

    public TippenConfig withPort(int p) {
        return new TippenConfig(host, p, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                trustedProxies, allowedOrigins, limits);
    }

    public TippenConfig withDemo(boolean d) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, d,
                trustedProxies, allowedOrigins, limits);
    }

    public TippenConfig withTimes(Duration ttl, Duration sweep, Duration invite) {
        return new TippenConfig(host, port, dataDir, ttl, sweep, invite, pingInterval, demo, trustedProxies,
                allowedOrigins, limits);
    }

    public TippenConfig withTrustedProxies(List<Cidr> proxies) {
        return new TippenConfig(host, port, dataDir, visitorTtl, sweepInterval, inviteTtl, pingInterval, demo,
                proxies, allowedOrigins, limits);
    }



}
