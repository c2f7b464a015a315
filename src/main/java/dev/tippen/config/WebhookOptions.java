package dev.tippen.config;

import java.time.Duration;
import java.util.List;

/**
 * How webhooks are delivered: the retry schedule (the first entry is the first attempt's delay),
 * what targets are allowed, and the bounds on queues and concurrency.
 */
public record WebhookOptions(
        List<Duration> retries,
        boolean allowHttp,
        boolean allowPrivate,
        /** Undelivered deliveries an endpoint may hold; past it the oldest are dropped and counted. */
        int queueLimit,
        /** Sender threads in all: the most requests in flight across every endpoint. */
        int senders,
        /** Requests in flight per standard endpoint, 1 to 4 (Slack endpoints take one at a time). */
        int concurrency,
        /** An endpoint failing this long without a success is disabled. */
        Duration disableAfter,
        /** The whole request, connect to last byte read. */
        Duration timeout) {

    public static final List<Duration> DEFAULT_RETRIES = List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10),
            Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));

    public WebhookOptions {
        retries = List.copyOf(retries);
        if (retries.isEmpty()) throw new IllegalArgumentException("--webhook-retries needs at least one delay (the first attempt's, e.g. 0s)");
        if (queueLimit < 1) throw new IllegalArgumentException("--webhook-queue must be at least 1");
        if (senders < 1 || senders > 64) throw new IllegalArgumentException("--webhook-senders must be 1..64");
        if (concurrency < 1 || concurrency > 4) throw new IllegalArgumentException("--webhook-concurrency must be 1..4");
    }

    public static WebhookOptions defaults() {
        return new WebhookOptions(DEFAULT_RETRIES, false, false, 10_000, 8, 2, Duration.ofDays(5), Duration.ofSeconds(15));
    }

    public WebhookOptions allowingLocal() {
        return new WebhookOptions(retries, true, true, queueLimit, senders, concurrency, disableAfter, timeout);
    }

    public WebhookOptions withRetries(List<Duration> r) {
        return new WebhookOptions(r, allowHttp, allowPrivate, queueLimit, senders, concurrency, disableAfter, timeout);
    }

    public WebhookOptions withDisableAfter(Duration d) {
        return new WebhookOptions(retries, allowHttp, allowPrivate, queueLimit, senders, concurrency, d, timeout);
    }

    public WebhookOptions withQueueLimit(int limit) {
        return new WebhookOptions(retries, allowHttp, allowPrivate, limit, senders, concurrency, disableAfter, timeout);
    }
}
