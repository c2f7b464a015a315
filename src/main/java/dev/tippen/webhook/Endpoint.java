package dev.tippen.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A receiver of one site's notifications. {@code previousSecret} still signs until
 * {@code previousUntil} after a rotation; {@code failingSince} is when the current run of failures
 * began (null after a success); {@code pausedUntil} honours a receiver's Retry-After.
 */
record Endpoint(String id, String siteId, String url, Kind kind, Set<String> events, EndpointFilter filter, String description,
                String secret, String previousSecret, Long previousUntil, boolean enabled, String disabledReason, Long disabledAt,
                Long failingSince, long pausedUntil, long dropped, long createdAt, long updatedAt) {

    enum Kind {
        STANDARD, SLACK;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Kind of(String s) {
            for (Kind k : values()) if (k.wire().equals(s)) return k;
            return null;
        }
    }

    /** The secrets that sign a message sent at {@code now}: the current one first. */
    List<String> signingSecrets(long now) {
        List<String> out = new ArrayList<>(2);
        out.add(secret);
        if (previousSecret != null && previousUntil != null && previousUntil > now) out.add(previousSecret);
        return out;
    }

    boolean wants(String type) {
        return events.contains(type);
    }
}
