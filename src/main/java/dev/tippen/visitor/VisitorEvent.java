package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;

/**
 * One validated tracking event. Every string is already length-capped; {@code ip} is the resolved
 * client address, never a header the client chose (already anonymised when the server is told to);
 * {@code enrichment} is null until the tracking handler has looked the visitor up.
 */
public record VisitorEvent(EventType type, String visitorId, String website, Page page, Browser browser,
                           String clientTimestamp, String ip, Enrichment enrichment) {

    /** The same event with what enrichment found for its address and browser. */
    public VisitorEvent with(Enrichment e) {
        return new VisitorEvent(type, visitorId, website, page, browser, clientTimestamp, ip, e);
    }

    /** Where the visitor is. */
    public record Page(String url, String referrer, String title) {}

    /** What the visitor's browser told us about itself. */
    public record Browser(String userAgent, String screenResolution, String language, String timezone) {}
}
