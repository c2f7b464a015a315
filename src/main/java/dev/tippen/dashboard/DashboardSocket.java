package dev.tippen.dashboard;

import dev.tippen.fanout.ClientFrame;
import dev.tippen.fanout.Connection;
import dev.tippen.http.ApiError;
import dev.tippen.http.Cors;
import dev.tippen.http.Credentials;
import dev.tippen.http.SocketUpgrade;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.visitor.Sites;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET /ws/dashboard: a sales team's live view of one site. Opens with the full list, then receives
 * every change; it may ask for the list again or ping.
 */
public final class DashboardSocket {
    private static final Logger log = LoggerFactory.getLogger(DashboardSocket.class);

    private final Credentials credentials;
    private final Cors cors;
    private final SocketUpgrade upgrade;
    private final Sites sites;
    private final TippenMetrics metrics;

    public DashboardSocket(Credentials credentials, Cors cors, SocketUpgrade upgrade, Sites sites,
                           TippenMetrics metrics) {
        this.credentials = credentials;
        this.cors = cors;
        this.upgrade = upgrade;
        this.sites = sites;
        this.metrics = metrics;
    }

    public void handle(RoutingContext ctx) {
        Authentication.Granted auth = credentials.require(Credentials.presented(ctx.request()), KeyRole.SECRET);
        String origin = ctx.request().getHeader("Origin");
        if (!cors.allows(origin)) throw new ApiError(403, "origin " + origin + " may not open the dashboard");
        boolean cleanupList = !"false".equalsIgnoreCase(ctx.request().getParam("cleanupList"));
        String siteId = auth.site().siteId();
        upgrade.upgrade(ctx, new Connection.Spec(Connection.Kind.DASHBOARD, siteId, auth.key().hash(), null, cleanupList),
                this::open);
    }

    private Runnable open(ServerWebSocket ws, Connection c) {
        ws.textMessageHandler(text -> {
            c.seen();
            onMessage(c, text);
        });
        ws.binaryMessageHandler(b -> c.send(DashboardMessages.error("binary messages are not supported; send JSON text")));
        log.info("event=dashboard_connected site={}", c.siteId());
        return sites.join(c, greeting -> c.send(DashboardMessages.initialVisitors(greeting.liveVisitors())));
    }

    private void onMessage(Connection c, String text) {
        ClientFrame frame = ClientFrame.parse(text);
        if (!frame.ok()) {
            c.send(DashboardMessages.error(frame.problem()));
            return;
        }
        switch (frame.type()) {
            case "PING" -> c.send(DashboardMessages.pong(System.currentTimeMillis()));
            case "GET_VISITORS" -> sites.refresh(c, greeting -> c.send(DashboardMessages.visitorList(greeting.liveVisitors())));
            default -> c.send(DashboardMessages.error("unknown message type '" + frame.type() + "'; expected PING or GET_VISITORS"));
        }
    }
}
