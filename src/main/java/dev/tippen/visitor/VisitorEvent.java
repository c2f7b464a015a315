package dev.tippen.visitor;

import dev.tippen.enrich.Device;

/**
 * One validated tracking event. Every string is already length-capped; {@code ip} is the resolved
 * client address, never a header the client chose (already anonymised when the server is told to);
 * {@code device} is null until the tracking handler has parsed the User-Agent.
 */
public record VisitorEvent(EventType type, String visitorId, String website, Page page, Browser browser,
                           String clientTimestamp, String ip, Device device) {

    /** The same event with its User-Agent parsed. */
    public VisitorEvent with(Device d) {
        return new VisitorEvent(type, visitorId, website, page, browser, clientTimestamp, ip, d);
    }

    /** Where the visitor is. */
    public record Page(String url, String referrer, String title) {}

    /** What the visitor's browser told us about itself. */
    public record Browser(String userAgent, String screenResolution, String language, String timezone) {}
}
