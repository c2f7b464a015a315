package dev.tippen.team;

/**
 * One line of a site's audit log: when, who (a person, the API key, the command line, the server
 * itself), what ({@code action}, e.g. {@code teammate.invited}), to what ({@code target}: an id),
 * and a short {@code detail} (a role, an outcome). Never a secret or anything a visitor sent.
 */
public record AuditEntry(String auditId, String siteId, long at, String actorType, String actorId, String actorName, String action,
                         String target, String detail) {
}
