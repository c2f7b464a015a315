package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.OfflineEnrichment;
import dev.tippen.visitor.Notice.CallProgressed;
import dev.tippen.visitor.Notice.FactsChanged;
import dev.tippen.visitor.Notice.InviteAnswered;
import dev.tippen.visitor.Notice.InviteLapsed;
import dev.tippen.visitor.Notice.InviteSent;
import dev.tippen.visitor.Notice.ListRefreshed;
import dev.tippen.visitor.Notice.PageViewed;
import dev.tippen.visitor.Notice.VisitEnded;
import dev.tippen.visitor.Notice.VisitorChanged;
import dev.tippen.visitor.Notice.VisitorErased;
import dev.tippen.visitor.Notice.VisitorsRemoved;
import java.util.ArrayList;
import java.util.List;

/**
 * A site's rules, written once for every engine: given a visitor as it is stored (null: unknown), an
 * event or a request, and the time, what the visitor becomes and which notices that causes. Pure: no
 * I/O, no clock, no randomness of its own, so any engine may decide a change again from a fresher
 * state and get the same answer, and the rules are tested as a table.
 */
public final class SiteRules {
    private final SiteSettings settings;

    public SiteRules(SiteSettings settings) {
        this.settings = settings;
    }

    public SiteSettings settings() {
        return settings;
    }

    /** Whether a visitor belongs on the dashboards' live list (bots only when the server shows them). */
    public boolean shown(Visitor v) {
        return v != null && v.live() && (settings.showBots() || !v.bot());
    }

    /** Idle past the TTL: the sweep removes it. */
    public boolean expired(Visitor v, long now) {
        return v.lastActivity() + settings.visitorTtl().toMillis() <= now;
    }

    /**
     * When {@link #settle} next has something to do for this visitor (exit grace over, invite lapsed,
     * the visit gap passed without events when it is shorter than the TTL; the TTL's sweep ends the
     * visit otherwise).
     */
    public long settleAt(Visitor v) {
        long due = Long.MAX_VALUE;
        InviteRecord p = v.pendingInvite();
        if (p != null) due = p.expiresAt();
        Long exitAt = v.visit() == null ? null : v.visit().exitAt();
        if (v.live() && exitAt != null) due = Math.min(due, exitAt + settings.exitGrace().toMillis());
        if (v.live() && gapEndsVisits()) due = Math.min(due, v.lastActivity() + settings.visitGap().toMillis());
        return due;
    }

    /** Whether the gap ends a visit before the TTL's sweep would. */
    private boolean gapEndsVisits() {
        return settings.visitGap().compareTo(settings.visitorTtl()) < 0;
    }

    // ---- tracking events ---------------------------------------------------------------------------

    public Change track(Visitor prev, VisitorEvent e, long now, Lookup lookup) {
        boolean open = prev != null && prev.live() && now - prev.lastActivity() < settings.visitGap().toMillis();
        if (e.type() == EventType.EXIT) return open ? exit(prev, e, now) : endedByGap(prev, now);
        if (!open) return startVisit(prev, e, now, lookup);
        return switch (e.type()) {
            case PAGEVIEW -> pageview(prev, e, now, lookup);
            case HEARTBEAT -> heartbeat(prev, e, now, lookup);
            case VIDEO_ACCEPTED -> answer(prev, e, now, lookup, VisitorStatus.IN_CALL, InviteRecord.ACCEPTED);
            case VIDEO_DECLINED -> answer(prev, e, now, lookup, VisitorStatus.ACTIVE, InviteRecord.DECLINED);
            case EXIT -> throw new AssertionError("handled above");
        };
    }

    /** A first event, or the first after the visitor left or stayed away past the gap: a new visit. */
    private Change startVisit(Visitor prev, VisitorEvent e, long now, Lookup lookup) {
        List<Notice> notices = new ArrayList<>(4);
        if (prev != null && prev.live()) notices.add(new VisitEnded(prev, prev.lastActivity(), Removal.INACTIVE));
        Page page = prev == null ? e.page() : pageOf(e.page(), prev.page());
        Enrichment who = prev != null && !moved(prev, e, lookup) ? prev.enrichment() : identify(e, lookup);
        Calls calls = prev == null ? Calls.NONE : prev.calls();
        String status = e.type() == EventType.VIDEO_ACCEPTED ? VisitorStatus.IN_CALL : VisitorStatus.ACTIVE;
        InviteRecord answered = null;
        if (e.type() == EventType.VIDEO_ACCEPTED || e.type() == EventType.VIDEO_DECLINED) {
            String how = e.type() == EventType.VIDEO_ACCEPTED ? InviteRecord.ACCEPTED : InviteRecord.DECLINED;
            InviteRecord p = calls.pending();
            calls = calls.answered(how, now);
            if (p != null) answered = calls.invites().get(calls.invites().size() - 1);
        }
        Visitor next = new Visitor(prev == null ? e.visitorId() : prev.visitorId(), prev == null ? e.website() : keep(e.website(), prev.website()), page,
                prev == null ? e.browser() : e.browser().over(prev.browser()),
                e.clientTimestamp(),
                prev == null ? e.ip() : keep(e.ip(), prev.ip()), now, now, 1, status, e.type().wire(), who,
                Visit.start(e.visitorId(), page, e.pageLoadId(), now), calls);
        if (shown(next)) notices.add(new VisitorChanged(next, e.type().wire()));
        notices.add(new PageViewed(next));
        if (answered != null) notices.add(new InviteAnswered(next, answered));
        return new Change(prev, next, notices, false);
    }

    private Change pageview(Visitor prev, VisitorEvent e, long now, Lookup lookup) {
        Page page = pageOf(e.page(), prev.page());
        boolean moved = moved(prev, e, lookup);
        Visitor next = new Visitor(prev.visitorId(), keep(e.website(), prev.website()), page, e.browser().over(prev.browser()),
                firstOfVisit(prev, e), keep(e.ip(), prev.ip()), prev.firstSeen(), now,
                prev.pageViews() + 1, prev.status(), e.type().wire(), moved ? identify(e, lookup) : prev.enrichment(),
                prev.visit().moved(page, e.pageLoadId(), now), prev.calls());
        List<Notice> notices = new ArrayList<>(2);
        shownOrHidden(prev, next, e.type().wire(), notices);
        notices.add(new PageViewed(next));
        return new Change(prev, next, notices, false);
    }

    /**
     * A heartbeat keeps the visitor active. One from the page being exited (the same page load) means
     * the page is still open, so the exit is called off.
     */
    private Change heartbeat(Visitor prev, VisitorEvent e, long now, Lookup lookup) {
        Visit visit = prev.visit();
        // A tracker that names no page load (the original's) is one page: any heartbeat is that page.
        boolean samePage = e.pageLoadId() == null || visit.pageLoadId() == null || e.pageLoadId().equals(visit.pageLoadId());
        if (visit.exitAt() != null && samePage) {
            visit = visit.staying(visit.pageLoadId());
        }
        boolean moved = moved(prev, e, lookup);
        Browser browser = e.browser().over(prev.browser());
        String website = keep(e.website(), prev.website());
        boolean activityOnly = !moved && visit == prev.visit() && browser == prev.browser() && website == prev.website();
        Visitor next = new Visitor(prev.visitorId(), website, prev.page(), browser,
                firstOfVisit(prev, e), keep(e.ip(), prev.ip()), prev.firstSeen(), now,
                prev.pageViews(), prev.status(), e.type().wire(), moved ? identify(e, lookup) : prev.enrichment(), visit,
                prev.calls());
        List<Notice> notices = new ArrayList<>(1);
        shownOrHidden(prev, next, e.type().wire(), notices);
        if (moved) notices.add(new FactsChanged(next));
        return new Change(prev, next, notices, activityOnly);
    }

    /**
     * An exit names the page being left. An exit of a page the visitor already moved on from (its
     * beacon arrived after the next page's view) changes nothing; one of the current page waits out the
     * grace, so a click to the next page never takes the visitor off the list.
     */
    private Change exit(Visitor prev, VisitorEvent e, long now) {
        Visit visit = prev.visit();
        boolean stale = e.pageLoadId() != null && visit.pageLoadId() != null
                ? !e.pageLoadId().equals(visit.pageLoadId())
                : e.page().url() != null && prev.page().url() != null && !e.page().url().equals(prev.page().url());
        if (stale) return Change.none(prev);
        Visitor exiting = prev.touched(now, e.type().wire(), firstOfVisit(prev, e),
                visit.exitAt() != null ? visit : visit.exiting(now));
        if (settings.exitGrace().isZero()) return settle(exiting, now);
        return new Change(prev, exiting, List.of(), false);
    }

    /**
     * The visitor's last socket closed at {@code closedAt}: as an exit of the page it is on. The
     * original tracker says it is leaving only this way (its exit beacon carries no key), and Tippen's
     * tracker sends both. An event since the close (the next page's view, a heartbeat of a page whose
     * socket dropped) shows the visitor is still there.
     */
    public Change socketsClosed(Visitor v, long closedAt, long now) {
        if (v == null || !v.live() || v.visit().exitAt() != null || v.lastActivity() > closedAt) return Change.none(v);
        Visitor exiting = v.with(v.status(), v.lastEvent(), v.visit().exiting(now), v.calls());
        if (settings.exitGrace().isZero()) return settle(exiting, now);
        return new Change(v, exiting, List.of(), false);
    }

    /** A socket opened for a visitor whose page was being left (a reconnect, the next page): it stays. */
    public Change socketOpened(Visitor v) {
        if (v == null || !v.live() || v.visit().exitAt() == null) return Change.none(v);
        return new Change(v, v.with(v.status(), v.lastEvent(), v.visit().staying(v.visit().pageLoadId()), v.calls()), List.of(), false);
    }

    /** An exit when no visit is open: nothing to leave, unless the gap just ended a visit still marked open. */
    private Change endedByGap(Visitor prev, long now) {
        if (prev == null || !prev.live()) return Change.none(prev);
        Visitor left = prev.with(VisitorStatus.LEFT, EventType.EXIT.wire(), prev.visit().staying(prev.visit().pageLoadId()), prev.calls());
        List<Notice> notices = new ArrayList<>(2);
        if (shown(prev)) notices.add(new VisitorsRemoved(List.of(prev.visitorId()), Removal.INACTIVE));
        notices.add(new VisitEnded(prev, prev.lastActivity(), Removal.INACTIVE));
        return new Change(prev, left, notices, false);
    }

    private Change answer(Visitor prev, VisitorEvent e, long now, Lookup lookup, String status, String how) {
        InviteRecord p = prev.calls().pending();
        Calls calls = prev.calls().answered(how, now);
        boolean moved = moved(prev, e, lookup);
        Visitor next = new Visitor(prev.visitorId(), keep(e.website(), prev.website()), prev.page(),
                e.browser().over(prev.browser()), firstOfVisit(prev, e), keep(e.ip(), prev.ip()),
                prev.firstSeen(), now, prev.pageViews(), status, e.type().wire(),
                moved ? identify(e, lookup) : prev.enrichment(), prev.visit().staying(prev.visit().pageLoadId()), calls);
        List<Notice> notices = new ArrayList<>(2);
        shownOrHidden(prev, next, e.type().wire(), notices);
        if (p != null) notices.add(new InviteAnswered(next, calls.invites().get(calls.invites().size() - 1)));
        return new Change(prev, next, notices, false);
    }

    // ---- requests from the sales team ----------------------------------------------------------------

    /**
     * An invite to a live visitor; {@code inviteId} is chosen by the caller, so deciding again gives the
     * same invite. {@code call}: an invite to a call in Tippen itself, whose page is {@code guestUrl}. A
     * visitor in a call gets no other invite until it ends.
     */
    public Change invite(Visitor v, String inviteId, String guestUrl, Sender sentBy, boolean call, long now) {
        if (v == null || !v.live()) {
            throw new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR, "no live visitor '" + (v == null ? "?" : v.visitorId())
                    + "' on this site");
        }
        if (v.calls().inCall() != null) {
            throw new SiteRefusal(SiteRefusal.Reason.BUSY, "the visitor is in a call; invite again once it ends");
        }
        InviteRecord invite = new InviteRecord(inviteId, guestUrl, now, now + settings.inviteTtl().toMillis(),
                InviteRecord.PENDING, null, sentBy, call ? CallProgress.OPEN : null);
        InviteRecord replaced = v.pendingInvite();
        Calls calls = v.calls().sent(invite, now);
        Visitor next = v.with(VisitorStatus.VIDEO_INVITED, "video_invite", v.visit(), calls);
        List<Notice> notices = new ArrayList<>(3);
        if (replaced != null) notices.add(new InviteLapsed(next, calls.invites().stream()
                .filter(i -> i.inviteId().equals(replaced.inviteId())).findFirst().orElse(replaced)));
        notices.add(new InviteSent(next, invite));
        if (shown(next)) notices.add(new VisitorChanged(next, "video_invite"));
        return new Change(v, next, notices, false);
    }

    /**
     * The visitor's browser asked to join call {@code callId}: a waiting invite is accepted, one already
     * accepted stays as it is. Refused unless the call is the visitor's and neither ended nor lapsed.
     */
    public Change callJoined(Visitor v, String callId, long now) {
        InviteRecord call = v == null ? null : v.calls().invite(callId);
        if (call == null || !call.tippenCall() || call.call().ended() || !v.live()) {
            throw new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR, "no call '" + callId + "' waits for this visitor");
        }
        if (call.inCall()) return Change.none(v);
        if (!call.waiting(now)) throw new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR, "the invite to call '" + callId + "' is over");
        Calls calls = v.calls().answered(InviteRecord.ACCEPTED, now);
        Visitor next = v.with(VisitorStatus.IN_CALL, EventType.VIDEO_ACCEPTED.wire(), v.visit(), calls);
        List<Notice> notices = new ArrayList<>(2);
        if (shown(next)) notices.add(new VisitorChanged(next, EventType.VIDEO_ACCEPTED.wire()));
        notices.add(new InviteAnswered(next, calls.invite(callId)));
        return new Change(v, next, notices, false);
    }

    /** Both browsers of call {@code callId} are connected; nothing changes for a call that did already, or ended. */
    public Change callConnected(Visitor v, String callId, long now) {
        InviteRecord call = v == null ? null : v.calls().invite(callId);
        if (call == null || !call.inCall() || call.call().connectedAt() != null) return Change.none(v);
        return progressed(v, call.with(call.call().connected(now)), "call_connected", v.status());
    }

    /**
     * Call {@code callId} is over, for {@code reason} ({@link CallProgress}). One not yet joined is
     * called off: its invite lapses. Nothing changes for a call that ended already.
     */
    public Change callEnded(Visitor v, String callId, String reason, long now) {
        InviteRecord call = v == null ? null : v.calls().invite(callId);
        if (call == null || !call.tippenCall() || call.call().ended()) return Change.none(v);
        if (call.pending()) {
            Calls calls = v.calls().answered(InviteRecord.EXPIRED, now);
            InviteRecord lapsed = calls.invite(callId);
            calls = calls.replaced(lapsed.with(lapsed.call().endedBy(CallProgress.CANCELLED, now)));
            Visitor next = v.with(VisitorStatus.VIDEO_INVITED.equals(v.status()) ? VisitorStatus.ACTIVE : v.status(), "call_ended",
                    v.visit(), calls);
            List<Notice> notices = new ArrayList<>(3);
            if (shown(next)) notices.add(new VisitorChanged(next, "call_ended"));
            notices.add(new InviteLapsed(next, calls.invite(callId)));
            notices.add(new CallProgressed(next, calls.invite(callId)));
            return new Change(v, next, notices, false);
        }
        if (!call.inCall()) return Change.none(v);
        return progressed(v, call.with(call.call().endedBy(reason, now)), "call_ended",
                VisitorStatus.IN_CALL.equals(v.status()) ? VisitorStatus.ACTIVE : v.status());
    }

    private Change progressed(Visitor v, InviteRecord updated, String event, String status) {
        Visitor next = v.with(status, event, v.visit(), v.calls().replaced(updated));
        List<Notice> notices = new ArrayList<>(2);
        if (shown(next)) notices.add(new VisitorChanged(next, event));
        notices.add(new CallProgressed(next, updated));
        return new Change(v, next, notices, false);
    }

    /** A visitor leaving in the middle of a call: the call is lost with the visit. */
    private static Visitor endCall(Visitor v, long now, List<Notice> notices) {
        InviteRecord call = v.calls().inCall();
        if (call == null) return v;
        InviteRecord ended = call.with(call.call().endedBy(CallProgress.LOST, now));
        Visitor next = v.with(v.status(), v.lastEvent(), v.visit(), v.calls().replaced(ended));
        notices.add(new CallProgressed(next, ended));
        return next;
    }

    /** A provider's late answer about an address; applied only if the visitor is still at that address. */
    public Change enrich(Visitor v, String ip, Enrichment e) {
        if (v == null || ip == null || !ip.equals(v.ip())) return Change.none(v);
        Visitor next = v.enriched(e);
        if (next.equals(v)) return Change.none(v);
        List<Notice> notices = new ArrayList<>(2);
        shownOrHidden(v, next, "enriched", notices);
        notices.add(new FactsChanged(next));
        return new Change(v, next, notices, false);
    }

    /** Everything about a visitor forgotten: the live state now, the history through the notice. */
    public Change erase(Visitor v) {
        List<Notice> notices = new ArrayList<>(2);
        if (shown(v)) notices.add(new VisitorsRemoved(List.of(v.visitorId()), Removal.ERASED));
        return new Change(v, null, notices, false);
    }

    /**
     * The notice that erases what the history keeps of a visitor (sent even when nothing is live);
     * {@code receipt} is left in the history once it is applied (null: nobody waits for it).
     */
    public static Notice erased(String visitorId, String receipt) {
        return new VisitorErased(visitorId, receipt);
    }

    // ---- time passing ------------------------------------------------------------------------------

    /** What is due for one visitor now: an exit past its grace takes effect, an unanswered invite lapses. */
    public Change settle(Visitor v, long now) {
        if (v == null) return Change.none(null);
        Visitor next = v;
        List<Notice> notices = new ArrayList<>(3);
        InviteRecord p = v.pendingInvite();
        if (p != null && p.expiresAt() <= now) {
            boolean waiting = VisitorStatus.VIDEO_INVITED.equals(v.status()) && java.util.Objects.equals(p.guestUrl(), v.calls().guestUrl());
            Calls calls = v.calls().answered(InviteRecord.EXPIRED, now);
            next = waiting ? next.with(VisitorStatus.ACTIVE, "invite_expired", next.visit(), calls)
                    : next.with(next.status(), next.lastEvent(), next.visit(), calls);
            if (waiting && shown(next)) notices.add(new VisitorChanged(next, "invite_expired"));
            notices.add(new InviteLapsed(next, calls.invites().get(calls.invites().size() - 1)));
        }
        Long exitAt = next.visit().exitAt();
        if (next.live() && exitAt != null && exitAt + settings.exitGrace().toMillis() <= now) {
            next = endCall(next, now, notices);
            boolean wasShown = shown(next);
            next = next.with(VisitorStatus.LEFT, EventType.EXIT.wire(), next.visit().staying(next.visit().pageLoadId()), next.calls());
            if (wasShown) {
                notices.add(new VisitorChanged(next, EventType.EXIT.wire()));
                notices.add(new VisitorsRemoved(List.of(next.visitorId()), Removal.EXIT));
            }
            notices.add(new VisitEnded(next, exitAt, Removal.EXIT));
        }
        if (next.live() && gapEndsVisits() && next.lastActivity() + settings.visitGap().toMillis() <= now) {
            // Idle past the gap: the visit is over, and the visitor off the live list until it comes back.
            next = endCall(next, now, notices);
            boolean wasShown = shown(next);
            Visitor idle = next;
            next = next.with(VisitorStatus.LEFT, next.lastEvent(), next.visit().staying(next.visit().pageLoadId()), next.calls());
            if (wasShown) notices.add(new VisitorsRemoved(List.of(next.visitorId()), Removal.INACTIVE));
            notices.add(new VisitEnded(idle, idle.lastActivity(), Removal.INACTIVE));
        }
        return next == v ? Change.none(v) : new Change(v, next, notices, false);
    }

    /**
     * A sweep's notices: the visitors it removed (idle past the TTL) and the live list that remains.
     * Dashboards hear one removal for all of them; each removed visit ends where its activity did.
     */
    public List<Notice> expiry(List<Visitor> removed, List<Visitor> remaining, long now) {
        List<Notice> notices = new ArrayList<>(2 + removed.size());
        List<String> ids = new ArrayList<>();
        for (Visitor v : removed) if (shown(v)) ids.add(v.visitorId());
        if (!ids.isEmpty()) {
            notices.add(new VisitorsRemoved(ids, Removal.INACTIVE));
            List<Visitor> live = new ArrayList<>(remaining.size());
            int bots = 0;
            for (Visitor v : remaining) {
                if (shown(v)) live.add(v);
                else if (v.live()) bots++;
            }
            notices.add(new ListRefreshed(live, bots));
        }
        for (Visitor v : removed) {
            if (v.live()) notices.add(new VisitEnded(v, v.lastActivity(), Removal.INACTIVE));
            InviteRecord p = v.pendingInvite();
            if (p != null) notices.add(new InviteLapsed(v, p.closed(InviteRecord.EXPIRED, now)));
            endCall(v, now, notices);
        }
        return notices;
    }

    // ---- shared ---------------------------------------------------------------------------------------

    /** A change to a shown visitor is shown; one that turned a shown visitor into a hidden bot removes it. */
    private void shownOrHidden(Visitor prev, Visitor next, String event, List<Notice> notices) {
        if (shown(next)) notices.add(new VisitorChanged(next, event));
        else if (shown(prev) && next.live()) notices.add(new VisitorsRemoved(List.of(next.visitorId()), Removal.BOT));
    }

    /**
     * What is known about a visitor stays (a provider's answer included) until it shows up from another
     * address; then the new address is looked up.
     */
    private static boolean moved(Visitor prev, VisitorEvent e, Lookup lookup) {
        return lookup != null && (prev.profile() == null || (e.ip() != null && !e.ip().equals(prev.ip())));
    }

    /** Without a lookup, the original backend's offline guesses. */
    private static Enrichment identify(VisitorEvent e, Lookup lookup) {
        if (lookup != null) return lookup.lookup(e);
        Page p = e.page();
        return new Enrichment(OfflineEnrichment.company(p.url(), p.referrer()),
                OfflineEnrichment.location(e.browser().timezone()), OfflineEnrichment.role(e.browser().userAgent()), null);
    }

    /** A page view moves the visitor; fields the tracker left out keep what was known. */
    private static Page pageOf(Page reported, Page before) {
        String url = keep(reported.url(), before.url());
        String referrer = keep(reported.referrer(), before.referrer());
        String title = keep(reported.title(), before.title());
        if (url == before.url() && referrer == before.referrer() && title == before.title()) return before;
        return new Page(url, referrer, title);
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    /**
     * What the event says, or what was known when it says nothing; the known instance when both
     * are equal. A visitor's state is replaced on every event, and each state that lives on costs
     * the collector a copy: keeping the unchanged parts shared keeps that copy small.
     */
    /**
     * The visitor's {@code timestamp}: what the browser said at the visit's first event, as the
     * original kept it (its dashboard derives time on site and first seen from it); later events move
     * {@code lastActivity} only. A visit whose first event said nothing takes the next one's.
     */
    static String firstOfVisit(Visitor prev, VisitorEvent e) {
        return prev.clientTimestamp() != null ? prev.clientTimestamp() : e.clientTimestamp();
    }

    static String keep(String reported, String known) {
        return reported == null || reported.equals(known) ? known : reported;
    }
}
