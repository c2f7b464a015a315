package dev.tippen.dashboard;

import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Joins;
import dev.tippen.socket.Text;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;
import dev.tippen.visitor.Sites;

/**
 * The dashboards' subscription to the change stream: each notice a dashboard shows is encoded once
 * per change, and only when the site has a dashboard on this node, then written to every one.
 */
public final class DashboardFeed implements ChangeListener {
    private final Hub hub;
    private final Joins joins;
    private final Sites sites;

    public DashboardFeed(Hub hub, Joins joins, Sites sites) {
        this.hub = hub;
        this.joins = joins;
        this.sites = sites;
    }

    @Override
    public void onChange(SiteChange change) {
        String siteId = change.siteId();
        if (!hub.hasDashboards(siteId)) return;
        long seq = change.seq();
        for (Notice n : change.notices()) {
            String json;
            boolean cleanupList = false;
            if (n instanceof Notice.VisitorChanged c) {
                json = DashboardMessages.visitorUpdate(c.visitor(), c.event());
            } else if (n instanceof Notice.VisitorsRemoved r) {
                json = DashboardMessages.visitorsRemoved(r.visitorIds(), r.reason().wire());
            } else if (n instanceof Notice.ListRefreshed l) {
                json = DashboardMessages.visitorList(l.visitors(), l.hiddenBots());
                cleanupList = true;
            } else if (n instanceof Notice.InviteSent s) {
                json = DashboardMessages.videoInviteSent(s.visitor().visitorId(), s.invite().guestUrl(), s.invite().inviteId());
            } else {
                continue;
            }
            hub.toDashboards(siteId, seq, Text.of(json), cleanupList);
        }
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

    static Joins.Greeting greeting(Connection c, String type, dev.tippen.visitor.Engine.LiveList list) {
        return new Joins.Greeting() {
            @Override
            public long seq() {
                return list.seq();
            }

            @Override
            public io.vertx.core.Future<Void> send() {
                return LiveListMessage.send(c, type, list.visitors(), list.hiddenBots());
            }
        };
    }
}
