package dev.tippen.visitor;

import dev.tippen.enrich.Device;

/**
 * One validated tracking event. Every string is already length-capped; {@code ip} is the resolved
 * client address, never a header the client chose (already anonymised when the server is told to);
 * {@code device} is null until the tracking handler has parsed the User-Agent. {@code pageLoadId}
 * names the page load that sent it (the served tracker sends one; older trackers do not), which is
 * how a late exit of the page before is told apart from an exit of the page the visitor is on.
 */
public record VisitorEvent(EventType type, String visitorId, String website, Page page, Browser browser,
                           String clientTimestamp, String ip, Device device, String pageLoadId) {

    /** The same event with its User-Agent parsed. */
    public VisitorEvent with(Device d) {
        return new VisitorEvent(type, visitorId, website, page, browser, clientTimestamp, ip, d, pageLoadId);
    }
}
