package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;

/**
 * A visitor as the dashboard sees it. Immutable: every change makes a new record, which is what lets
 * the coordinator hand the same instance to storage and fan-out without copying or locking.
 * Times are epoch milliseconds from the server's clock; {@code clientTimestamp} is what the browser said.
 * {@code profile} is what enrichment found (null for rows stored before enrichment existed).
 */
public record Visitor(
        String visitorId,
        String website,
        String url,
        String referrer,
        String title,
        String userAgent,
        String screenResolution,
        String language,
        String timezone,
        String clientTimestamp,
        String ip,
        long firstSeen,
        long lastActivity,
        int pageViews,
        String status,
        String company,
        String location,
        String lastRole,
        String guestUrl,
        Long videoDeclinedAt,
        String lastEvent,
        Profile profile) {

    public boolean live() {
        return !VisitorStatus.LEFT.equals(status);
    }

    Visitor with(String newStatus, String newGuestUrl, Long declinedAt, long now, String event) {
        return new Visitor(visitorId, website, url, referrer, title, userAgent, screenResolution, language, timezone,
                clientTimestamp, ip, firstSeen, now, pageViews, newStatus, company, location, lastRole, newGuestUrl,
                declinedAt, event, profile);
    }

    public Visitor invited(String newGuestUrl) {
        return new Visitor(visitorId, website, url, referrer, title, userAgent, screenResolution, language, timezone,
                clientTimestamp, ip, firstSeen, lastActivity, pageViews, VisitorStatus.VIDEO_INVITED, company, location,
                lastRole, newGuestUrl, videoDeclinedAt, "video_invite", profile);
    }

    public Visitor inviteExpired() {
        return new Visitor(visitorId, website, url, referrer, title, userAgent, screenResolution, language, timezone,
                clientTimestamp, ip, firstSeen, lastActivity, pageViews, VisitorStatus.ACTIVE, company, location,
                lastRole, guestUrl, videoDeclinedAt, "invite_expired", profile);
    }

    /** A bot is stored like anyone else, but kept off dashboards unless the server shows bots. */
    public boolean bot() {
        return profile != null && profile.bot();
    }

    /** What enrichment found, as the coordinator holds it: company, location and role lines and the profile. */
    public Enrichment enrichment() {
        return new Enrichment(company, location, lastRole, profile);
    }

    public Visitor enriched(Enrichment e) {
        return new Visitor(visitorId, website, url, referrer, title, userAgent, screenResolution, language, timezone,
                clientTimestamp, ip, firstSeen, lastActivity, pageViews, status, e.company(), e.location(), e.role(),
                guestUrl, videoDeclinedAt, lastEvent, e.profile());
    }
}
