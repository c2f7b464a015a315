package dev.tippen.engine.embedded;

/** One row change the group commit writer makes; a visitor's JSON is made on the site's lane, not by the writer. */
sealed interface Write {
    String siteId();

    /**
     * The whole visitor row: its stored JSON, as UTF-8. {@code viewed}: the change's one recorded
     * notice is a page view of this very visitor, which the history then reads from this row rather
     * than from a notice of its own (the commit writes the visitor once, not twice).
     */
    record Put(String siteId, String visitorId, long lastActivity, byte[] json, boolean viewed) implements Write {}

    /** Only the activity columns, the rest of the row as it was (a heartbeat). */
    record Touch(String siteId, String visitorId, long lastActivity, String lastEvent, String clientTimestamp) implements Write {}

    record Remove(String siteId, String visitorId) implements Write {}

    /** Notices kept for the history and notifications, in the same transaction as the change. */
    record Record(String siteId, long at, String notices) implements Write {}
}
