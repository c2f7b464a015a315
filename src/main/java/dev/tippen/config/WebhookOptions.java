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

    /** The whole request, connect to last byte read: not an option, a receiver slower than this is down. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    public WebhookOptions {
        retries = List.copyOf(retries);
    }

    /** What the options' defaults make (ServeOptions): checked by ConfigRules, like every option. */
    public static WebhookOptions defaults() {
        return ConfigRules.webhooks(ServeOptions.defaults());
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
