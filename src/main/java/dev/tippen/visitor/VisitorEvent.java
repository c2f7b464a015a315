package dev.tippen.visitor;

/**
 * One validated tracking event. Every string is already length-capped; {@code ip} is the resolved
 * client address, never a header the client chose.
 */
public record VisitorEvent(EventType type, String visitorId, String website, Page page, Browser browser,
                           String clientTimestamp, String ip) {

    /** Where the visitor is. */
    public record Page(String url, String referrer, String title) {}

    /** What the visitor's browser told us about itself. */
    public record Browser(String userAgent, String screenResolution, String language, String timezone) {}
}
