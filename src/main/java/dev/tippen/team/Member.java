package dev.tippen.team;

/** One person's role on one site. */
public record Member(String userId, String siteId, Role role, long since) {
}
