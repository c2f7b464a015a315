package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.OfflineEnrichment;
import java.util.function.Function;

/**
 * How one event changes one visitor: a pure function, so it is tested without a server and any
 * storage engine can rely on the same rules. {@code lookup} says who the visitor is (company, place,
 * device); it is asked only for a new visitor and for one that moved to another address, not for
 * every heartbeat. Without one, the original backend's offline guesses are used.
 */
public final class VisitorTransitions {
    private VisitorTransitions() {}

    public static Visitor apply(Visitor prev, VisitorEvent e, long now) {
        return apply(prev, e, now, null);
    }

    public static Visitor apply(Visitor prev, VisitorEvent e, long now, Function<VisitorEvent, Enrichment> lookup) {
        if (prev == null) return create(e, now, lookup == null ? null : lookup.apply(e));
        VisitorEvent.Page p = e.page();
        VisitorEvent.Browser b = e.browser();
        boolean pageview = e.type() == EventType.PAGEVIEW;
        // A visitor who exited and comes back (the next page of a multi-page site) continues its count.
        String status = switch (e.type()) {
            case EXIT -> VisitorStatus.LEFT;
            case VIDEO_ACCEPTED -> VisitorStatus.IN_CALL;
            case VIDEO_DECLINED -> VisitorStatus.ACTIVE;
            case PAGEVIEW, HEARTBEAT -> prev.live() ? prev.status() : VisitorStatus.ACTIVE;
        };
        Long declinedAt = e.type() == EventType.VIDEO_DECLINED ? Long.valueOf(now) : prev.videoDeclinedAt();
        // What is known about the visitor stays (a provider's answer included) until it moves to another
        // address; then the new address is looked up.
        boolean moved = lookup != null && (prev.profile() == null || (e.ip() != null && !e.ip().equals(prev.ip())));
        Enrichment fresh = moved ? lookup.apply(e) : null;
        return new Visitor(
                prev.visitorId(),
                or(e.website(), prev.website()),
                pageview ? or(p.url(), prev.url()) : prev.url(),
                pageview ? or(p.referrer(), prev.referrer()) : prev.referrer(),
                pageview ? or(p.title(), prev.title()) : prev.title(),
                or(b.userAgent(), prev.userAgent()),
                or(b.screenResolution(), prev.screenResolution()),
                or(b.language(), prev.language()),
                or(b.timezone(), prev.timezone()),
                or(e.clientTimestamp(), prev.clientTimestamp()),
                or(e.ip(), prev.ip()),
                prev.firstSeen(),
                now,
                pageview ? prev.pageViews() + 1 : prev.pageViews(),
                status,
                moved ? fresh.company() : prev.company(),
                moved ? fresh.location() : prev.location(),
                moved ? fresh.role() : prev.lastRole(),
                prev.guestUrl(),
                declinedAt,
                e.type().wire(),
                moved ? fresh.profile() : prev.profile());
    }

    private static Visitor create(VisitorEvent e, long now, Enrichment en) {
        VisitorEvent.Page p = e.page();
        VisitorEvent.Browser b = e.browser();
        String status = switch (e.type()) {
            case EXIT -> VisitorStatus.LEFT;
            case VIDEO_ACCEPTED -> VisitorStatus.IN_CALL;
            default -> VisitorStatus.ACTIVE;
        };
        return new Visitor(
                e.visitorId(), e.website(), p.url(), p.referrer(), p.title(),
                b.userAgent(), b.screenResolution(), b.language(), b.timezone(),
                e.clientTimestamp(), e.ip(),
                now, now, 1, status,
                en != null ? en.company() : OfflineEnrichment.company(p.url(), p.referrer()),
                en != null ? en.location() : OfflineEnrichment.location(b.timezone()),
                en != null ? en.role() : OfflineEnrichment.role(b.userAgent()),
                null,
                e.type() == EventType.VIDEO_DECLINED ? Long.valueOf(now) : null,
                e.type().wire(),
                en != null ? en.profile() : null);
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }
}
