package dev.tippen.site;

/** The outcome of presenting a key for a role; each refusal maps to one HTTP status and message. */
public sealed interface Authentication {
    record Granted(Site site, ApiKey key) implements Authentication {}

    record Refused(int status, String error) implements Authentication {}

    Refused MISSING = new Refused(401, "missing API key");
    Refused UNKNOWN = new Refused(401, "invalid API key");
    Refused REVOKED = new Refused(403, "API key revoked");
}
