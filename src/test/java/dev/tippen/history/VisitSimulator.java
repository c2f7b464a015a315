package dev.tippen.history;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Browser;
import dev.tippen.visitor.Change;
import dev.tippen.visitor.EventType;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.Page;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Visitor;
import dev.tippen.visitor.VisitorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Visitors driven through the real rules on a clock of the test's choosing: every change's recorded
 * notices become outbox entries, exactly as an engine would store them. Tests and the history
 * benchmark seed the history with it.
 */
public final class VisitSimulator {
    public static final Duration GAP = Duration.ofMinutes(30);
    public static final Duration INVITE_TTL = Duration.ofMinutes(5);

    private final String siteId;
    private final SiteRules rules;
    private final Map<String, Visitor> live = new HashMap<>();
    private final Map<String, Enrichment> who = new HashMap<>();
    private final List<Outbox.Entry> pending = new ArrayList<>();
    private long seq;
    private int loads;

    public VisitSimulator(String siteId) {
        this(siteId, 0);
    }

    /** {@code firstSeq}: where this simulator's outbox positions start. */
    public VisitSimulator(String siteId, long firstSeq) {
        this.siteId = siteId;
        this.seq = firstSeq;
        this.rules = new SiteRules(new SiteSettings(GAP, Duration.ofSeconds(5), INVITE_TTL, Integer.MAX_VALUE, false,
                Duration.ofSeconds(10), GAP));
    }

    /** Who a visitor is from now on (a company, a network kind, a place, a device). */
    public VisitSimulator as(String visitorId, String company, String domain, String network, String countryCode, String device, boolean bot) {
        Profile p = new Profile(64500L, company, domain, network, "City of " + countryCode, "Region", "Country " + countryCode, countryCode,
                null, null, device, "Linux", "Chrome", bot, "offline");
        who.put(visitorId, new Enrichment(company, "City of " + countryCode, device + " - Chrome", p));
        return this;
    }

    public static Enrichment company(String company, String domain, String network, String countryCode, String device) {
        Profile p = new Profile(64500L, company, domain, network, "City", "Region", "Country " + countryCode, countryCode,
                null, null, device, "Linux", "Chrome", false, "provider");
        return new Enrichment(company, "City", device + " - Chrome", p);
    }

    /** A page view as the tracker sends it: {@code document.referrer} is "" when there is none. */
    public Visitor pageview(String visitorId, String url, String title, String referrer, long now) {
        return track(visitorId, EventType.PAGEVIEW, url, title, referrer == null ? "" : referrer, now, "load-" + (++loads));
    }

    public Visitor heartbeat(String visitorId, long now) {
        Visitor v = live.get(visitorId);
        return track(visitorId, EventType.HEARTBEAT, null, null, null, now, v == null || v.visit() == null ? null : v.visit().pageLoadId());
    }

    /** An exit of the page the visitor is on; it takes effect when {@link #settle} runs after the grace. */
    public Visitor exit(String visitorId, long now) {
        Visitor v = live.get(visitorId);
        return track(visitorId, EventType.EXIT, null, null, null, now, v == null || v.visit() == null ? null : v.visit().pageLoadId());
    }

    public Visitor answer(String visitorId, boolean accept, long now) {
        Visitor v = live.get(visitorId);
        return track(visitorId, accept ? EventType.VIDEO_ACCEPTED : EventType.VIDEO_DECLINED, null, null, null, now,
                v == null || v.visit() == null ? null : v.visit().pageLoadId());
    }

    private Visitor track(String visitorId, EventType type, String url, String title, String referrer, long now, String loadId) {
        VisitorEvent e = new VisitorEvent(type, visitorId, "shop.example", new Page(url, referrer, title), Browser.NONE, null,
                "203.0.113.7", null, loadId);
        Enrichment e0 = who.get(visitorId);
        Change c = rules.track(live.get(visitorId), e, now, ev -> e0 == null ? new Enrichment(null, null, null, null) : e0);
        return apply(c, now);
    }

    public Visitor invite(String visitorId, String inviteId, long now) {
        return apply(rules.invite(live.get(visitorId), inviteId, "https://meet.example/" + inviteId, dev.tippen.visitor.Sender.API_KEY, false, now), now);
    }

    /** A provider's late answer: the visit's company changes after the fact. */
    public Visitor enrich(String visitorId, Enrichment e, long now) {
        who.put(visitorId, e);
        Visitor v = live.get(visitorId);
        return apply(rules.enrich(v, v.ip(), e), now);
    }

    /** What is due for every visitor at {@code now}: exits past their grace, lapsed invites. */
    public void settle(long now) {
        for (String id : new ArrayList<>(live.keySet())) apply(rules.settle(live.get(id), now), now);
    }

    /** What is due for one visitor at {@code now}. */
    public void settle(String visitorId, long now) {
        Visitor v = live.get(visitorId);
        if (v != null) apply(rules.settle(v, now), now);
    }

    /** Drops a visitor from the simulation's live state (not from the history): its next event starts afresh. */
    public void forget(String visitorId) {
        live.remove(visitorId);
        who.remove(visitorId);
    }

    /** A sweep at {@code now}: visitors idle past the TTL leave, ending their visits. */
    public void sweep(long now) {
        List<Visitor> removed = new ArrayList<>();
        List<Visitor> remaining = new ArrayList<>();
        for (Visitor v : live.values()) (rules.expired(v, now) ? removed : remaining).add(v);
        for (Visitor v : removed) live.remove(v.visitorId());
        emit(Change.recordedOf(rules.expiry(removed, remaining, now)), now);
    }

    public void erase(String visitorId, long now) {
        Visitor v = live.remove(visitorId);
        List<Notice> notices = new ArrayList<>(v == null ? List.of() : rules.erase(v).notices());
        notices.add(SiteRules.erased(visitorId, null));
        emit(Change.recordedOf(notices), now);
    }

    private Visitor apply(Change c, long now) {
        if (c.after() == null) live.remove(c.before() == null ? null : c.before().visitorId());
        else live.put(c.after().visitorId(), c.after());
        emit(c.recorded(), now);
        return c.after();
    }

    private void emit(List<Notice.Recorded> notices, long now) {
        if (notices.isEmpty()) return;
        pending.add(new Outbox.Entry("local", Long.toString(++seq), siteId, now, notices));
    }

    /** The entries made since the last drain, in order. */
    public List<Outbox.Entry> drain() {
        List<Outbox.Entry> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    public Visitor live(String visitorId) {
        return live.get(visitorId);
    }
}
