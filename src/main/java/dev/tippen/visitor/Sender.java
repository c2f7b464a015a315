package dev.tippen.visitor;

/**
 * Who sent an invite: a person (their user id and name as it was then), or the site's API key.
 * Invites from before people had accounts were all sent with the key.
 */
public record Sender(String userId, String name) {
    public static final Sender API_KEY = new Sender(null, "API key");

    public boolean person() {
        return userId != null;
    }

    /** The sender a stored pair names; none (older records) reads as the key. */
    public static Sender of(String userId, String name) {
        return userId == null ? API_KEY : new Sender(userId, name == null ? "" : name);
    }
}
