package dev.tippen.invite;

/** An invite waiting for its visitor's answer; re-sent to every socket the visitor opens until it expires. */
public record PendingInvite(String visitorId, String inviteId, String guestUrl, long createdAt, long expiresAt) {
    public boolean expired(long now) {
        return now >= expiresAt;
    }
}
