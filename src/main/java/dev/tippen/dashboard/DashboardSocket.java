package dev.tippen.dashboard;

import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.http.Cors;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.socket.ClientFrame;
import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Joins;
import dev.tippen.socket.SocketMessages;
import dev.tippen.socket.SocketUpgrade;
import dev.tippen.socket.Text;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorIds;
import io.vertx.core.http.HttpServerRequest;
import dev.tippen.socket.NettySocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /ws/dashboard: a sales team's live view of one site. Opens with the full list, then receives
 * every change; it may ask for the list again or ping. Replies go through the site's lane, so they
 * never cut into a list being streamed.
 */
public final class DashboardSocket {
    private static final Logger log = LoggerFactory.getLogger(DashboardSocket.class);

    private final Access access;
    private final java.util.function.Consumer<String> sessionUsed;
    private final Cors cors;
    private final SocketUpgrade upgrade;
    private final Joins joins;
    private final Hub hub;
    private final SiteLanes lanes;
    private final Sites sites;
    private final DashboardFeed feed;
    private final ListPacing lists;

    /** {@code sessionUsed}: told the session hash of each console socket's message, so an open console is not idle. */
    public DashboardSocket(Access access, java.util.function.Consumer<String> sessionUsed, Cors cors, SocketUpgrade upgrade, Joins joins, Hub hub,
                           SiteLanes lanes, Sites sites, DashboardFeed feed, TippenMetrics metrics) {
        this.access = access;
        this.sessionUsed = sessionUsed;
        this.cors = cors;
        this.upgrade = upgrade;
        this.joins = joins;
        this.hub = hub;
        this.lanes = lanes;
        this.sites = sites;
        this.feed = feed;
        this.lists = new ListPacing(() -> metrics.rateLimited("get_visitors_paced"));
    }

    public void handle(HttpServerRequest req) {
        Caller who = access.socket(req, "GET /ws/dashboard");
        String origin = req.getHeader("Origin");
        if (!cors.allows(origin) && !who.sameOrigin()) throw new ApiError(403, "origin " + origin + " may not open the dashboard");
        boolean cleanupList = !"false".equalsIgnoreCase(req.getParam("cleanupList"));
        // The original's dashboards know nothing of VISITOR_REMOVED: only one that says so gets it
        // (asking for no cleanup lists says so too: that option was always for removal-aware dashboards).
        boolean removals = "true".equalsIgnoreCase(req.getParam("removals")) || !cleanupList;
        // A dashboard that can take its first list in parts (the console) gets its first screen first.
        boolean parts = "true".equalsIgnoreCase(req.getParam("parts"));
        // One that asks for a visitor's trail when it shows it (the console) gets visitors without trails.
        boolean trails = !"false".equalsIgnoreCase(req.getParam("trails"));
        upgrade.upgrade(req, new Connection.Spec(Connection.Kind.DASHBOARD, who.siteId(), who.keyHash(), null,
                cleanupList, who.sessionHash(), false, removals, trails), (ws, c) -> open(ws, c, parts));
    }

    private Runnable open(NettySocket ws, Connection c, boolean parts) {
        ws.textMessageHandler(text -> {
            c.seen();
            // A console that stays open is in use: its pings keep its session from going idle.
            if (c.sessionId() != null) sessionUsed.accept(c.sessionId());
            onMessage(c, text);
        });
        ws.binaryMessageHandler(() -> reply(c, SocketMessages.error("binary messages are not supported; send JSON text")));
        log.info("event=dashboard_connected site={}", c.siteId());
        // A dashboard that fell behind is brought up to date with the whole list, in order with the stream.
        c.onCaughtUp(() -> lanes.execute(c.siteId(), () -> feed.refresh(c, "VISITOR_LIST")));
        Runnable leave = joins.join(c, () -> sites.live(c.siteId()).map(list -> parts ? DashboardFeed.greetingInParts(c, list)
                : DashboardFeed.greeting(c, "INITIAL_VISITORS", list)));
        return () -> {
            lists.forget(c);
            leave.run();
        };
    }

    private void onMessage(Connection c, String text) {
        if (!c.allowMessage()) {
            if (c.tellRefused()) reply(c, SocketMessages.error("too many messages; at most " + c.messageAllowance() + "; the rest are dropped"));
            return;
        }
        ClientFrame frame = ClientFrame.parse(text);
        if (!frame.ok()) {
            reply(c, SocketMessages.error(frame.problem()));
            return;
        }
        switch (frame.type()) {
            case "PING" -> reply(c, SocketMessages.pong(System.currentTimeMillis()));
            case "GET_VISITORS" -> lists.ask(c, () -> feed.refresh(c, "VISITOR_LIST"));
            case "GET_TRAIL" -> trail(c, frame.string("visitorId"));
            default -> reply(c, SocketMessages.error("unknown message type '" + frame.type() + "'; expected PING, GET_VISITORS or GET_TRAIL"));
        }
    }

    /** One live visitor's trail, for a dashboard that shows it (an empty trail once the visitor has gone). */
    private void trail(Connection c, String visitorId) {
        if (!VisitorIds.valid(visitorId)) {
            reply(c, SocketMessages.error("GET_TRAIL needs a 'visitorId' of " + VisitorIds.RULE));
            return;
        }
        sites.seen(c.siteId(), visitorId).onComplete(ar -> {
            if (ar.succeeded()) reply(c, DashboardMessages.visitorTrail(visitorId, ar.result().visitor()));
            else reply(c, SocketMessages.error("the trail could not be read just now; ask again shortly"));
        });
    }

    private void reply(Connection c, String json) {
        lanes.execute(c.siteId(), () -> hub.reply(c, Text.of(json)));
    }
}
