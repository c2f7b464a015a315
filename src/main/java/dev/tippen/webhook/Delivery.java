package dev.tippen.webhook;

import java.util.List;

/**
 * One message to one endpoint, and what became of it: {@code pending} (waiting or being retried),
 * {@code delivered}, {@code failed} (retries exhausted or the endpoint gone), or {@code dropped}
 * (the endpoint's queue was full). {@code messageId} is the {@code webhook-id}, the same on every attempt.
 */
record Delivery(String id, String endpointId, String messageId, String type, long createdAt, String state, int tries,
                long nextAt, Integer lastStatus, Long finishedAt, List<Attempt> attempts) {

    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";
    static final String DROPPED = "dropped";

    /** One request and its answer: the status (null when none came), the first KiB of the body, or the error. */
    record Attempt(int n, long at, Integer status, long durationMillis, String response, String error) {}

    /** What the sender needs of a claimed delivery. */
    record Claimed(String id, String endpointId, String messageId, String type, String payload, int tries, long createdAt) {}
}
