package dev.tippen.visitor;

/**
 * How a call in Tippen itself went, once the visitor joined: when the two browsers connected (null:
 * never), when it ended and why. An invite to a meeting URL elsewhere has none of this.
 */
public record CallProgress(Long connectedAt, Long endedAt, String endReason) {
    /** A call sent and not yet over. */
    public static final CallProgress OPEN = new CallProgress(null, null, null);

    /** The agent hung up. */
    public static final String AGENT_HUNG_UP = "agent_hung_up";
    /** The visitor hung up. */
    public static final String VISITOR_HUNG_UP = "visitor_hung_up";
    /** The connection was lost: ICE failed or stayed down, or a side's page closed and did not come back. */
    public static final String LOST = "lost";
    /** The browsers never connected. */
    public static final String FAILED = "failed";
    /** The agent called it off before the visitor joined. */
    public static final String CANCELLED = "cancelled";

    public boolean ended() {
        return endedAt != null;
    }

    CallProgress connected(long at) {
        return connectedAt != null || ended() ? this : new CallProgress(at, null, null);
    }

    /** A call that ends without ever connecting failed, whatever else was said. */
    CallProgress endedBy(String reason, long at) {
        if (ended()) return this;
        String why = connectedAt == null && (LOST.equals(reason)) ? FAILED : reason;
        return new CallProgress(connectedAt, at, why);
    }
}
