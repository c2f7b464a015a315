package dev.tippen.site;

/**
 * A signed-in console: the hash of the cookie's token (the token itself is never stored), the site,
 * the secret key it was opened with (revoking or rotating that key ends the session), and when it
 * ends at the latest.
 */
public record ConsoleSession(String hash, String siteId, String keyHash, long createdAt, long expiresAt) {
    /** How long a session lasts: a working day and a half, then the agent signs in again. */
    public static final long LIFETIME_MILLIS = 12 * 3_600_000L;
    /** The most sessions a store keeps open; past it, signing in is refused until some end. */
    public static final int MAX_OPEN = 10_000;
    /**
     * The most one site keeps open: a new sign-in past it ends that site's oldest session, so one
     * site can neither fill the store for the others nor be locked out by whoever signed in most.
     */
    public static final int MAX_PER_SITE = 100;

    public boolean expired(long now) {
        return now >= expiresAt;
    }
}
