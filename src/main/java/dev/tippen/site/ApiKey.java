package dev.tippen.site;

/**
 * A stored key. Only its SHA-256 hash is kept; {@code hint} (prefix and last characters) lets a person
 * recognise it in listings without the key being recoverable.
 */
public record ApiKey(String hash, String siteId, KeyRole role, String hint, long createdAt, Long revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}
