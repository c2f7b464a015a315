package dev.tippen.team;

/**
 * A single-use link: to join a site with a role ({@code JOIN}), or to set a new password
 * ({@code RESET}, no site). Only the hash of its token is stored.
 */
public record Invitation(String invitationId, String tokenHash, Kind kind, String siteId, String email, Role role,
                         String createdBy, long createdAt, long expiresAt, Long usedAt) {
    /** JOIN: a role on a site; RESET: a new password; OPERATOR: the instance's operator (no site). */
    public enum Kind { JOIN, RESET, OPERATOR }

    public boolean usable(long now) {
        return usedAt == null && now < expiresAt;
    }
}
