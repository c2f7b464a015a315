package dev.tippen.visitor;

/**
 * A video invite and what became of it: {@code pending} until the visitor answers ({@code accepted},
 * {@code declined}) or it lapses ({@code expired}, also when a newer invite replaces it). {@code sentBy}: who sent it.
 * {@code call}: for a call in Tippen itself (the invite id is the call's id), how it went; null for a meeting URL elsewhere.
 */
public record InviteRecord(String inviteId, String guestUrl, long sentAt, long expiresAt, String outcome, Long answeredAt,
                           Sender sentBy, CallProgress call) {
    public InviteRecord {
        if (sentBy == null) sentBy = Sender.API_KEY;
    }

    public InviteRecord(String inviteId, String guestUrl, long sentAt, long expiresAt, String outcome, Long answeredAt, Sender sentBy) {
        this(inviteId, guestUrl, sentAt, expiresAt, outcome, answeredAt, sentBy, null);
    }

    /** A call in Tippen itself, not a meeting URL elsewhere. */
    public boolean tippenCall() {
        return call != null;
    }

    /** A call in Tippen the visitor joined and that has not ended: the visitor and the agent are busy. */
    public boolean inCall() {
        return call != null && ACCEPTED.equals(outcome) && !call.ended();
    }

    /**
     * Where a call in Tippen stands, as the console shows it: invited, declined, expired, connecting,
     * connected or ended; null for a meeting URL elsewhere.
     */
    public String callState() {
        if (call == null) return null;
        if (call.ended()) return "ended";
        if (!ACCEPTED.equals(outcome)) return PENDING.equals(outcome) ? "invited" : outcome;
        return call.connectedAt() == null ? "connecting" : "connected";
    }

    InviteRecord with(CallProgress progress) {
        return new InviteRecord(inviteId, guestUrl, sentAt, expiresAt, outcome, answeredAt, sentBy, progress);
    }

    public static final String PENDING = "pending";
    public static final String ACCEPTED = "accepted";
    public static final String DECLINED = "declined";
    public static final String EXPIRED = "expired";

    public boolean pending() {
        return PENDING.equals(outcome);
    }

    public boolean waiting(long now) {
        return pending() && now < expiresAt;
    }

    InviteRecord closed(String how, long at) {
        return new InviteRecord(inviteId, guestUrl, sentAt, expiresAt, how, at, sentBy, call);
    }
}
