package dev.tippen.dashboard;

import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Joins;
import dev.tippen.socket.Text;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorStatus;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboards' subscription to the change stream: each notice a dashboard shows is encoded once
 * per change and form (with trails, and without for dashboards that ask for trails one at a time),
 * only when the site has a dashboard on this node taking that form, then written to every one.
 *
 * <p>Two kinds of dashboard listen. One that says it understands removals (the console) hears a
 * departure as VISITOR_REMOVED. The original's kind knows only INITIAL_VISITORS, VISITOR_UPDATE,
 * VISITOR_LIST, VIDEO_INVITE_SENT and PONG: it never sees the status "left", and learns of a
 * departure as the original told it, from a VISITOR_LIST without the visitor, at most one a second
 * per site ({@link #LIST_EVERY_MILLIS}) however many leave.
 */
public final class DashboardFeed implements ChangeListener {
    static final long LIST_EVERY_MILLIS = 1_000;

    private final Hub hub;
    private final Joins joins;
    private final Sites sites;
    private final Vertx vertx;
    private final SiteLanes lanes;
    /** Sites with a departures list on its way, and when each last had one: touched on the site's lane. */
    private final Set<String> listDue = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> listSentAt = new ConcurrentHashMap<>();

    public DashboardFeed(Hub hub, Joins joins, Sites sites, Vertx vertx, SiteLanes lanes) {
        this.hub = hub;
        this.joins = joins;
        this.sites = sites;
        this.vertx = vertx;
        this.lanes = lanes;
    }

    @Override
    public void onChange(SiteChange change) {
        String siteId = change.siteId();
        if (!hub.hasDashboards(siteId)) return;
        long seq = change.seq();
        boolean departed = false;
        boolean listed = false;
        for (Notice n : change.notices()) {
            Function<Connection, Text> text;
            Hub.Audience audience = Hub.Audience.EVERY;
            boolean state = true;
            if (n instanceof Notice.VisitorChanged c) {
                text = new Hub.Forms(trails -> DashboardMessages.visitorUpdate(c.visitor(), c.event(), trails));
                if (VisitorStatus.LEFT.equals(c.visitor().status())) audience = Hub.Audience.REMOVAL_AWARE;
            } else if (n instanceof Notice.VisitorsRemoved r) {
                Text removed = Text.of(DashboardMessages.visitorsRemoved(r.visitorIds(), r.reason().wire()));
                text = socket -> removed;
                audience = Hub.Audience.REMOVAL_AWARE;
                departed = true;
            } else if (n instanceof Notice.ListRefreshed l) {
                text = new Hub.Forms(trails -> DashboardMessages.visitorList(l.visitors(), l.hiddenBots(), trails));
                audience = Hub.Audience.LIST_READERS;
                listed = true;
            } else if (n instanceof Notice.InviteSent s) {
                Text sent = Text.of(DashboardMessages.videoInviteSent(s.visitor().visitorId(), s.invite().guestUrl(), s.invite().inviteId()));
                text = socket -> sent;
                state = false; // an event, not a state a later list would carry
            } else {
                continue;
            }
            hub.toDashboards(siteId, seq, text, audience, state);
        }
        if (listed) listSentAt.put(siteId, System.currentTimeMillis());
        else if (departed && hub.hasListReaders(siteId)) departuresList(siteId);
    }

    /** On the site's lane: the original's dashboards get a fresh list soon, one a second at most, however many leave. */
    private void departuresList(String siteId) {
        if (!listDue.add(siteId)) return;
        long wait = Math.max(1, listSentAt.getOrDefault(siteId, 0L) + LIST_EVERY_MILLIS - System.currentTimeMillis());
        vertx.setTimer(wait, id -> lanes.execute(siteId, () -> {
            listDue.remove(siteId);
            listSentAt.put(siteId, System.currentTimeMillis());
            for (Connection c : hub.dashboards(siteId)) if (!c.removals()) refresh(c, "VISITOR_LIST");
            if (!hub.hasDashboards(siteId)) listSentAt.remove(siteId);
        }));
    }

    /** This node may have missed changes of the site: every dashboard here gets the list afresh. */
    @Override
    public void onGap(String siteId) {
        for (Connection c : hub.dashboards(siteId)) refresh(c, "VISITOR_LIST");
    }

    /** A fresh list, in order with the stream (GET_VISITORS, a resync). */
    void refresh(Connection c, String type) {
        joins.refresh(c, () -> sites.live(c.siteId()).map(list -> greeting(c, type, list)));
    }

    /** INITIAL_VISITORS with the most recently active first and {@code "more": true}, the rest in VISITORS_MORE after it. */
    static Joins.Greeting greetingInParts(Connection c, dev.tippen.visitor.Engine.LiveList list) {
        return Joins.Greeting.of(list.seq(), () -> LiveListMessage.sendFirstScreenFirst(c, list.visitors(), list.hiddenBots()));
    }

    static Joins.Greeting greeting(Connection c, String type, dev.tippen.visitor.Engine.LiveList list) {
        return Joins.Greeting.of(list.seq(), () -> LiveListMessage.send(c, type, list.visitors(), list.hiddenBots()));
    }
}
