package dev.tippen.call;

import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.http.Cors;
import dev.tippen.http.Credentials;
import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.SocketMessages;
import dev.tippen.socket.SocketUpgrade;
import dev.tippen.team.Role;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Sites;
import io.vertx.core.http.HttpServerRequest;
import dev.tippen.socket.NettySocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * GET /ws/call?ticket=...: one party's page in one call. The ticket says which; an agent's also needs
 * the agent's own session or key, so a ticket seen over someone's shoulder opens nothing. What the
 * page sends goes to the other party through the {@link CallRelay}; no media passes here.
 */
public final class CallSocket {
    private final Access access;
    private final Credentials credentials;
    private final Cors cors;
    private final SocketUpgrade upgrade;
    private final SiteLanes lanes;
    private final Hub hub;
    private final Sites sites;
    private final CallTickets tickets;
    private final IceServers ice;
    private final CallRelay relay;

    public CallSocket(Access access, Credentials credentials, Cors cors, SocketUpgrade upgrade, SiteLanes lanes, Hub hub, Sites sites,
                      CallTickets tickets, IceServers ice, CallRelay relay) {
        this.access = access;
        this.credentials = credentials;
        this.cors = cors;
        this.upgrade = upgrade;
        this.lanes = lanes;
        this.hub = hub;
        this.sites = sites;
        this.tickets = tickets;
        this.ice = ice;
        this.relay = relay;
    }

    public void handle(HttpServerRequest req) {
        CallTickets.Ticket t = tickets.verify(req.getParam("ticket"), System.currentTimeMillis());
        if (t == null) throw new ApiError(403, "missing, expired or forged call ticket");
        String origin = req.getHeader("Origin");
        String keyHash = null;
        String sessionHash = null;
        if (t.party() == CallTickets.Party.AGENT) {
            Caller caller = access.identify(req, null);
            if (!caller.siteId().equals(t.siteId()) || !caller.role().atLeast(Role.AGENT) || !CallInvites.holder(caller).equals(t.holder())) {
                throw new ApiError(403, "this call's ticket was given to someone else");
            }
            if (!cors.allows(origin) && !caller.sameOrigin()) throw new ApiError(403, "origin " + origin + " may not join calls");
            keyHash = caller.keyHash();
            sessionHash = caller.sessionHash();
        } else if (!credentials.sameOrigin(req)) {
            // The visitor's side is always Tippen's own call page.
            throw new ApiError(403, "a visitor joins a call from this server's call page only");
        }
        upgrade.upgrade(req, new Connection.Spec(Connection.Kind.CALL, t.siteId(), keyHash, t.visitorId(), false, sessionHash, true, false),
                (ws, c) -> open(ws, c, t));
    }

    private Runnable open(NettySocket ws, Connection c, CallTickets.Ticket t) {
        ws.textMessageHandler(text -> {
            c.seen();
            if (!c.allowMessage()) {
                if (c.tellRefused()) c.send(SocketMessages.error("too many messages; at most " + c.messageAllowance()));
                return;
            }
            JsonObject m;
            try {
                m = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                c.send(SocketMessages.error("message is not a JSON object"));
                return;
            }
            if (!(m.getValue("type") instanceof String type)) {
                c.send(SocketMessages.error("message needs a string 'type'"));
            } else if (type.equals("PING")) {
                c.send(SocketMessages.pong(System.currentTimeMillis()));
            } else {
                lanes.execute(t.siteId(), () -> relay.said(c, t, m));
            }
        });
        ws.binaryMessageHandler(() -> c.send(SocketMessages.error("binary messages are not supported; send JSON text")));
        lanes.execute(t.siteId(), () -> {
            hub.attach(c);
            sites.seen(t.siteId(), t.visitorId()).onComplete(ar -> lanes.execute(t.siteId(), () -> {
                if (ws.isClosed()) return;
                InviteRecord call = ar.succeeded() && ar.result().visitor() != null ? ar.result().visitor().calls().invite(t.callId()) : null;
                if (!open(call, t.party())) {
                    c.send(CallMessages.ended(call == null || call.call() == null || call.call().endReason() == null
                            ? "over" : call.call().endReason()));
                    c.close((short) 1000, "call over");
                    return;
                }
                String label = t.callId() + "-" + t.party().wire();
                relay.joined(c, t, CallMessages.config(t.callId(), t.party(), ice.forCall(label, System.currentTimeMillis()), ice.relayOnly()));
            }));
        });
        return () -> lanes.execute(t.siteId(), () -> {
            hub.detach(c);
            relay.left(c, t);
        });
    }

    /** The agent's page may wait for the visitor; the visitor's comes only once it joined. */
    private static boolean open(InviteRecord call, CallTickets.Party party) {
        if (call == null || !call.tippenCall() || call.call().ended()) return false;
        if (call.inCall()) return true;
        return party == CallTickets.Party.AGENT && call.waiting(System.currentTimeMillis());
    }
}
