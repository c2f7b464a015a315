package dev.tippen.visitor;

/**
 * A video invite and what became of it: {@code pending} until the visitor answers ({@code accepted},
 * {@code declined}) or it lapses ({@code expired}, also when a newer invite replaces it). {@code sentBy}: who sent it.
 */
public record InviteRecord(String inviteId, String guestUrl, long sentAt, long expiresAt, String outcome, Long answeredAt,
                           Sender sentBy) {
    public InviteRecord {
        if (sentBy == null) sentBy = Sender.API_KEY;
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
        return new InviteRecord(inviteId, guestUrl, sentAt, expiresAt, how, at, sentBy);
    }
}
