package dev.tippen.invite;

import dev.tippen.http.ApiError;
import dev.tippen.http.Credentials;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.site.VisitorTokens;
import dev.tippen.socket.ClientFrame;
import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Joins;
import dev.tippen.socket.SocketMessages;
import dev.tippen.socket.SocketUpgrade;
import dev.tippen.visitor.Engine;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorIds;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import dev.tippen.socket.NettySocket;

/**
 * GET /ws/visitor: a visitor's browser waiting for an invite. It hears only its own invites, including
 * one sent while it was offline and not yet expired.
 */
public final class VisitorSocket {
    private final Credentials credentials;
    private final SocketUpgrade upgrade;
    private final Joins joins;
    private final Sites sites;
    private final VisitorTokens tokens;

    private final Hub hub;
    private final dev.tippen.call.CallInvites calls;
    private final dev.tippen.site.SiteLanes lanes;

    public VisitorSocket(Credentials credentials, SocketUpgrade upgrade, Joins joins, Sites sites, VisitorTokens tokens, Hub hub,
                         dev.tippen.call.CallInvites calls, dev.tippen.site.SiteLanes lanes) {
        this.calls = calls;
        this.lanes = lanes;
        this.tokens = tokens;
        this.hub = hub;
        this.credentials = credentials;
        this.upgrade = upgrade;
        this.joins = joins;
        this.sites = sites;
    }

    public void handle(HttpServerRequest req) {
        Authentication.Granted auth = credentials.require(Credentials.presented(req), KeyRole.PUBLIC);
        String visitorId = req.getParam("visitorId");
        if (visitorId == null) throw ApiError.badRequest("missing 'visitorId' query parameter");
        if (!VisitorIds.valid(visitorId)) throw ApiError.badRequest("'visitorId' must be " + VisitorIds.RULE);
        String siteId = auth.site().siteId();
        // The tracker's token binds the socket to its visitor; one that does not match is refused
        // outright. No token at all is the original tracker's way, and still works (docs/protocol.md).
        String token = req.getParam("token");
        boolean bound = token != null && !token.isEmpty();
        if (bound && !tokens.valid(siteId, visitorId, token)) throw new ApiError(403, "'token' is not this visitor's token");
        upgrade.upgrade(req, new Connection.Spec(Connection.Kind.VISITOR, siteId, auth.key().hash(), visitorId, false, null, bound, false),
                this::open);
    }

    private Runnable open(NettySocket ws, Connection c) {
        ws.textMessageHandler(text -> {
            c.seen();
            if (!c.allowMessage()) {
                if (c.tellRefused()) c.send(SocketMessages.error("too many messages; at most " + c.messageAllowance() + "; the rest are dropped"));
                return;
            }
            ClientFrame frame = ClientFrame.parse(text);
            if (frame.ok() && frame.type().equals("PING")) c.send(SocketMessages.pong(System.currentTimeMillis()));
            else if (frame.ok() && frame.type().equals("CALL_JOIN")) join(c, text);
            else c.send(SocketMessages.error(frame.ok() ? "unknown message type '" + frame.type() + "'" : frame.problem()));
        });
        return joins.join(c, () -> {
            // A visitor that was leaving stays. Changes to one visitor apply in order, so this comes
            // after the change its last socket's close asked for, however quickly it reconnected.
            sites.socketOpened(c.siteId(), c.visitorId());
            return sites.seen(c.siteId(), c.visitorId()).map(seen -> greeting(c, seen, hub));
        });
    }

    /**
     * CALL_JOIN: the visitor pressed Join on a call in Tippen. Only a socket carrying the visitor's token
     * gets the call's ticket, so a socket opened elsewhere with the visitor's id alone joins nothing.
     */
    private void join(Connection c, String text) {
        Object callId = new io.vertx.core.json.JsonObject(text).getValue("callId");
        if (!(callId instanceof String id) || id.length() > 64) {
            c.send(SocketMessages.error("CALL_JOIN needs the 'callId' of the invite"));
        } else if (!c.bound()) {
            c.send(SocketMessages.error("a call is joined only from the page the visitor was tracked on (its socket carries the visitor's token)"));
        } else {
            calls.join(c.siteId(), c.visitorId(), id).onComplete(ar -> lanes.execute(c.siteId(), () -> {
                if (ar.succeeded()) hub.reply(c, dev.tippen.socket.Text.of(VisitorMessages.callToken(id, ar.result())));
                else hub.reply(c, dev.tippen.socket.Text.of(SocketMessages.error(ar.cause() instanceof dev.tippen.visitor.SiteRefusal r
                        ? r.getMessage() : "the call could not be joined; try again")));
            }));
        }
    }

    /** CONNECTED, then the invite still waiting for this visitor, if any. */
    private static Joins.Greeting greeting(Connection c, Engine.Seen seen, Hub hub) {
        return Joins.Greeting.of(seen.seq(), () -> {
            c.send(VisitorMessages.connected(c.visitorId()));
            InviteRecord invite = seen.visitor() == null ? null : seen.visitor().pendingInvite();
            // On the lane: a socket without the token hears no invite while one with it is here.
            boolean mayHear = c.bound() || !hub.hasBoundVisitorSocket(c.siteId(), c.visitorId());
            if (invite != null && mayHear && invite.waiting(System.currentTimeMillis())) {
                c.send(VisitorMessages.videoInvite(c.visitorId(), invite));
            }
            return Future.succeededFuture();
        });
    }
}
