package dev.tippen.team;

/** A person's token for scripts: one site, a role no higher than theirs, shown once and stored as a hash. */
public record PersonalToken(String tokenId, String tokenHash, String userId, String siteId, Role role, String name, long createdAt,
                            Long revokedAt) {
    public static final String PREFIX = "tpt_";

    public boolean live() {
        return revokedAt == null;
    }
}
