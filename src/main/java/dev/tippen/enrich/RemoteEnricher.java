package dev.tippen.enrich;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.tippen.metrics.TippenMetrics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts a {@link RemoteProvider} behind the guards a paid API needs: one call per address at a time
 * (callers asking for the same address share the call in flight), answers cached per address with a
 * time to live (shorter for "nothing known"), a bound on calls in flight, and a circuit breaker that
 * stops calling a provider that keeps failing and tries again later. Failures are not cached.
 */
public final class RemoteEnricher {
    /** How the guards are set; see the operations guide for what each means. */
    public record Settings(Duration timeout, int maxInFlight, int cacheSize, Duration ttl, Duration negativeTtl,
                           int breakerWindow, Duration breakerOpenFor) {
        /** The longest wait for the provider, unless --enrich-timeout says otherwise (its default is this). */
        public static final int DEFAULT_TIMEOUT_SECONDS = 2;

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), 32, 100_000, Duration.ofHours(24), Duration.ofHours(1), 20,
                    Duration.ofSeconds(30));
        }
    }

    /** A lookup that was not made: the circuit is open or too many calls are in flight. */
    public static final class Skipped extends RuntimeException {
        final String outcome;

        Skipped(String outcome) {
            super(outcome, null, false, false);
            this.outcome = outcome;
        }
    }

    private final RemoteProvider provider;
    private final TippenMetrics metrics;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CircuitBreaker breaker;
    private final AsyncCache<String, RemoteAnswer> answers;

    public RemoteEnricher(RemoteProvider provider, Settings s, TippenMetrics metrics) {
        this.provider = provider;
        this.metrics = metrics;
        this.maxInFlight = s.maxInFlight();
        this.breaker = CircuitBreaker.of(provider.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.breakerWindow())
                .minimumNumberOfCalls(Math.max(1, s.breakerWindow() / 2))
                .failureRateThreshold(50)
                .waitDurationInOpenState(s.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .recordException(e -> !(e instanceof Skipped))
                .build());
        long ttl = s.ttl().toNanos();
        long negative = s.negativeTtl().toNanos();
        this.answers = Caffeine.newBuilder()
                .maximumSize(s.cacheSize())
                .expireAfter(new Expiry<String, RemoteAnswer>() {
                    @Override
                    public long expireAfterCreate(String ip, RemoteAnswer a, long now) {
                        return a.known() ? ttl : negative;
                    }

                    @Override
                    public long expireAfterUpdate(String ip, RemoteAnswer a, long now, long current) {
                        return expireAfterCreate(ip, a, now);
                    }

                    @Override
                    public long expireAfterRead(String ip, RemoteAnswer a, long now, long current) {
                        return current;
                    }
                })
                .buildAsync();
    }

    public String providerName() {
        return provider.name();
    }

    public String circuitState() {
        return breaker.getState().name().toLowerCase(Locale.ROOT);
    }

    /** A finished answer for this address, if one is cached: lets tracking use it at once. */
    public RemoteAnswer cached(String ip) {
        CompletableFuture<RemoteAnswer> f = answers.getIfPresent(ip);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /**
     * The provider's answer for an address: from the cache, from a call already in flight, or from a
     * new call. Fails when the call failed or was not made (circuit open, too busy).
     */
    public Future<RemoteAnswer> lookup(String ip) {
        CompletableFuture<RemoteAnswer> existing = answers.getIfPresent(ip);
        if (existing != null && existing.isDone() && !existing.isCompletedExceptionally()) {
            metrics.remoteLookup("cached");
            return Future.succeededFuture(existing.join());
        }
        CompletableFuture<RemoteAnswer> f = answers.get(ip, (key, executor) -> call(key));
        return Future.fromCompletionStage(f);
    }

    private CompletableFuture<RemoteAnswer> call(String ip) {
        if (!breaker.tryAcquirePermission()) return skipped("circuit_open");
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            breaker.releasePermission();
            return skipped("busy");
        }
        long start = System.nanoTime();
        CompletableFuture<RemoteAnswer> out = new CompletableFuture<>();
        provider.lookup(ip).onComplete(ar -> {
            inFlight.decrementAndGet();
            long took = System.nanoTime() - start;
            if (ar.succeeded()) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                metrics.remoteLookup(ar.result().known() ? "found" : "not_found");
                out.complete(ar.result());
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, ar.cause());
                metrics.remoteLookup(ar.cause() instanceof ProviderException p ? p.outcome() : "error");
                out.completeExceptionally(ar.cause());
            }
        });
        return out;
    }

    private CompletableFuture<RemoteAnswer> skipped(String outcome) {
        metrics.remoteLookup(outcome);
        return CompletableFuture.failedFuture(new Skipped(outcome));
    }
}
