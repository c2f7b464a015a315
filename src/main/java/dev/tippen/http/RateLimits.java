package dev.tippen.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tippen.config.RateLimit;
import dev.tippen.config.TippenConfig;
import dev.tippen.metrics.TippenMetrics;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Abuse limits, checked before anything is parsed or stored: token buckets (Bucket4j) per client IP
 * and per site, and a count of open sockets per IP. A refusal is a 429 with Retry-After.
 *
 * <p>Buckets live in bounded caches (Caffeine): at most {@link #MAX_TRACKED} addresses per limit,
 * idle ones forgotten after ten minutes. When full, the least recently seen address loses its
 * bucket and starts again with a full one: a flood of fresh addresses can reset limits, but cannot
 * grow memory.
 */
public final class RateLimits {
    static final int MAX_TRACKED = 100_000;

    private final Limiter trackPerIp;
    private final Limiter trackPerSite;
    private final Limiter upgradesPerIp;
    private final Limiter invitesPerSite;
    private final Limiter signInPerIp;
    private final Limiter signInPerSite;
    private final Limiter webhookTestsPerSite;
    private final CountsPerKey socketsPerIp;
    private final TippenMetrics metrics;

    public RateLimits(TippenConfig.Rates rates, TippenMetrics metrics) {
        this.metrics = metrics;
        this.trackPerIp = Limiter.of("track_ip", rates.trackPerIp());
        this.trackPerSite = Limiter.of("track_site", rates.trackPerSite());
        this.upgradesPerIp = Limiter.of("upgrade_ip", rates.upgradesPerIp());
        this.invitesPerSite = Limiter.of("invite_site", rates.invitesPerSite());
        this.signInPerIp = Limiter.of("sign_in_ip", rates.signInPerIp());
        this.signInPerSite = Limiter.of("sign_in_site", rates.signInPerSite());
        this.webhookTestsPerSite = Limiter.of("webhook_test_site", rates.webhookTestsPerSite());
        this.socketsPerIp = new CountsPerKey(rates.socketsPerIp());
    }

    public void trackFromIp(String ip) {
        check(trackPerIp, ip, "too many tracking requests from this address");
    }

    public void trackForSite(String siteId) {
        check(trackPerSite, siteId, "too many tracking requests for this site");
    }

    public void inviteForSite(String siteId) {
        check(invitesPerSite, siteId, "too many invites for this site");
    }

    /** Every console sign-in attempt, right or wrong, counts against its address. */
    public void signInFromIp(String ip) {
        check(signInPerIp, ip, "too many sign-in attempts from this address");
    }

    /** Sign-ins that reached a site (its key, of either role) count against the site too. */
    public void signInForSite(String siteId) {
        check(signInPerSite, siteId, "too many sign-in attempts for this site");
    }

    public void webhookTestForSite(String siteId) {
        check(webhookTestsPerSite, siteId, "too many test deliveries for this site");
    }

    /** Counts an upgrade and a socket against the address; the returned action gives the socket back. */
    public Runnable openSocket(String ip) {
        check(upgradesPerIp, ip, "too many socket upgrades from this address");
        if (!socketsPerIp.take(ip)) {
            metrics.rateLimited("sockets_ip");
            throw ApiError.tooManyRequests("too many open sockets from this address", 30);
        }
        return () -> socketsPerIp.give(ip);
    }

    private void check(Limiter limiter, String subject, String message) {
        if (limiter == null) return;
        ConsumptionProbe probe = limiter.bucket(subject).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return;
        metrics.rateLimited(limiter.name);
        throw ApiError.tooManyRequests(message, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
    }

    private static final class Limiter {
        final String name;
        final RateLimit rate;
        final Cache<String, Bucket> buckets;

        private Limiter(String name, RateLimit rate) {
            this.name = name;
            this.rate = rate;
            // Maintenance runs on the caller (an event loop) in small amortised steps, not on a shared pool.
            this.buckets = Caffeine.newBuilder().maximumSize(MAX_TRACKED).expireAfterAccess(Duration.ofMinutes(10))
                    .executor(Runnable::run).build();
        }

        static Limiter of(String name, RateLimit rate) {
            return rate == null ? null : new Limiter(name, rate);
        }

        Bucket bucket(String subject) {
            return buckets.get(subject, k -> Bucket.builder()
                    .addLimit(l -> l.capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1)))
                    .build());
        }
    }
}
