package dev.tippen.visitor;

/** A request a site will not carry out; the HTTP layer maps the reason to a status. */
public final class SiteRefusal extends RuntimeException {
    public enum Reason {
        /** No live visitor by that id: 404. */
        NO_SUCH_VISITOR,
        /** The site holds as many visitors as one site may: 503, try later. */
        SITE_FULL,
        /** The server holds as many visitors as its memory allows: 503, try later. */
        SERVER_FULL
    }

    private final Reason reason;

    public SiteRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
