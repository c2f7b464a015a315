package dev.tippen.team;

/**
 * A signed-in person: the hash of the cookie's token (the token itself is never stored), whose it
 * is, when it was last used, and when it ends at the latest whatever its use.
 */
public record UserSession(String hash, String userId, long createdAt, long lastSeenAt, long expiresAt) {
}
