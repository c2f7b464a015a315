package dev.tippen.invite;

import dev.tippen.dashboard.DashboardMessages;
import dev.tippen.fanout.ClientFrame;
import dev.tippen.fanout.Connection;
import dev.tippen.http.ApiError;
import dev.tippen.http.Credentials;
import dev.tippen.http.SocketUpgrade;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.track.TrackRequest;
import dev.tippen.visitor.Sites;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /ws/visitor: a visitor's browser waiting for an invite. It hears only its own invites, including
 * one sent while it was offline and not yet expired.
 */
public final class VisitorSocket {
    private final Credentials credentials;
    private final SocketUpgrade upgrade;
    private final Sites sites;
    private final TippenMetrics metrics;

    public VisitorSocket(Credentials credentials, SocketUpgrade upgrade, Sites sites, TippenMetrics metrics) {
        this.credentials = credentials;
        this.upgrade = upgrade;
        this.sites = sites;
        this.metrics = metrics;
    }

    public void handle(RoutingContext ctx) {
        Authentication.Granted auth = credentials.require(Credentials.presented(ctx.request()), KeyRole.PUBLIC);
        String visitorId = ctx.request().getParam("visitorId");
        if (visitorId == null) throw ApiError.badRequest("missing 'visitorId' query parameter");
        if (!TrackRequest.VISITOR_ID.matcher(visitorId).matches()) {
            throw ApiError.badRequest("'visitorId' must be 1-128 characters of A-Z a-z 0-9 _ . : -");
        }
        String siteId = auth.site().siteId();
        upgrade.upgrade(ctx, new Connection.Spec(Connection.Kind.VISITOR, siteId, auth.key().hash(), visitorId, false),
                this::open);
    }

    private Runnable open(ServerWebSocket ws, Connection c) {
        ws.textMessageHandler(text -> {
            c.seen();
            ClientFrame frame = ClientFrame.parse(text);
            if (frame.ok() && frame.type().equals("PING")) c.send(DashboardMessages.pong(System.currentTimeMillis()));
            else c.send(DashboardMessages.error(frame.ok() ? "unknown message type '" + frame.type() + "'" : frame.problem()));
        });
        return sites.join(c, greeting -> {
            c.send(VisitorMessages.connected(c.visitorId()));
            if (greeting.pendingInvite() != null) c.send(VisitorMessages.videoInvite(greeting.pendingInvite()));
        });
    }
}
