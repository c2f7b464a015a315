package dev.tippen.visitor;

/** A request a site will not carry out; the HTTP layer maps the reason to a status. */
public final class SiteRefusal extends RuntimeException {
    public enum Reason {
        /** No live visitor by that id: 404. */
        NO_SUCH_VISITOR,
        /** The site holds as many visitors as one site may: 503, try later. */
        SITE_FULL,
        /** The server holds as many visitors as its memory allows: 503, try later. */
        SERVER_FULL,
        /** The data dir's disk is below its free-space watermark: 503 for new visitors, known ones keep working. */
        DISK_LOW,
        /** The visitor is in a call already: 409. */
        BUSY,
        /** The site stores more bytes a second than its share of the disk's writes: 429, try again in a second. */
        WRITE_RATE
    }

    /** A site at its share of the node's visitors, named so its operator knows which limit bit. */
    public static SiteRefusal siteFull(String share) {
        return new SiteRefusal(Reason.SITE_FULL, "this site holds " + share
                + ", its share of this server; new visitors are refused until some leave");
    }

    /** The name the limit is counted and logged under. */
    public String limit() {
        return switch (reason) {
            case SITE_FULL -> "visitors_site";
            case SERVER_FULL -> "visitors_node";
            case DISK_LOW -> "disk_low";
            case WRITE_RATE -> "track_bytes_site";
            case NO_SUCH_VISITOR, BUSY -> "none";
        };
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
