package dev.tippen.webhook;

import java.util.List;
import java.util.Set;

/** The notifications an endpoint can subscribe to, and the one it gets only on request. */
final class EventTypes {
    static final String VISITOR_ARRIVED = "visitor.arrived";
    static final String VISITOR_RETURNED = "visitor.returned";
    static final String COMPANY_ARRIVED = "company.arrived";
    static final String INVITE_PREFIX = "invite.";
    static final String VISIT_ENDED = "visit.ended";
    /** A call in Tippen connected. */
    static final String CALL_STARTED = "call.started";
    /** A call in Tippen ended; the message carries its record. */
    static final String CALL_ENDED = "call.ended";
    /** Sent by {@code POST /api/webhooks/{id}/test} only. */
    static final String TEST = "webhook.test";

    static final List<String> ALL = List.of(VISITOR_ARRIVED, VISITOR_RETURNED, COMPANY_ARRIVED, "invite.sent", "invite.accepted",
            "invite.declined", "invite.expired", VISIT_ENDED, CALL_STARTED, CALL_ENDED);
    static final Set<String> KNOWN = Set.copyOf(ALL);

    private EventTypes() {}

    /** invite.sent for an invite just sent (its outcome still pending), else invite.{outcome}. */
    static String invite(String outcome) {
        return INVITE_PREFIX + ("pending".equals(outcome) ? "sent" : outcome);
    }
}
