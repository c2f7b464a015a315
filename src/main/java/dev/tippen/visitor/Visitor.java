package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;

/**
 * A live visitor: the current page and browser, who they are (enrichment), the visit they are on and
 * their video calls. Immutable: every change makes a new record, which is what lets an engine hand
 * the same instance to storage and to every subscriber without copying or locking. Times are epoch
 * milliseconds from the server's clock; {@code clientTimestamp} is what the browser said.
 */
public record Visitor(
        String visitorId,
        String website,
        Page page,
        Browser browser,
        String clientTimestamp,
        String ip,
        long firstSeen,
        long lastActivity,
        int pageViews,
        String status,
        String lastEvent,
        Enrichment enrichment,
        Visit visit,
        Calls calls) {

    public Visitor {
        if (page == null) page = Page.NONE;
        if (browser == null) browser = Browser.NONE;
        if (calls == null) calls = Calls.NONE;
    }

    public boolean live() {
        return !VisitorStatus.LEFT.equals(status);
    }

    /** A bot is stored like anyone else, but kept off dashboards unless the server shows bots. */
    public boolean bot() {
        return enrichment != null && enrichment.bot();
    }

    public Profile profile() {
        return enrichment == null ? null : enrichment.profile();
    }

    /** The invite waiting for this visitor's answer, or null; one past its expiry only until the sweep. */
    public InviteRecord pendingInvite() {
        return calls.pending();
    }

    Visitor touched(long now, String event, String clientTs, Visit v) {
        return new Visitor(visitorId, website, page, browser, clientTs, ip, firstSeen, now, pageViews, status, event,
                enrichment, v, calls);
    }

    Visitor with(String newStatus, String event, Visit v, Calls c) {
        return new Visitor(visitorId, website, page, browser, clientTimestamp, ip, firstSeen, lastActivity, pageViews,
                newStatus, event, enrichment, v, c);
    }

    Visitor enriched(Enrichment e) {
        return new Visitor(visitorId, website, page, browser, clientTimestamp, ip, firstSeen, lastActivity, pageViews,
                status, lastEvent, e, visit, calls);
    }
}
