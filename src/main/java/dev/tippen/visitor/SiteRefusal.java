package dev.tippen.visitor;

/** A request the site's coordinator will not carry out; the HTTP layer maps the reason to a status. */
public final class SiteRefusal extends RuntimeException {
    public enum Reason { NO_SUCH_VISITOR, SITE_FULL }

    private final Reason reason;

    public SiteRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
