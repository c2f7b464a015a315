package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.fanout.Connection;
import dev.tippen.invite.PendingInvite;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every site's live state, as the handlers see it. {@link LocalSites} keeps it in this process (with
 * SQLite behind it); {@code cluster.SharedSites} keeps it in Redis, shared by every node.
 */
public interface Sites {

    /** What a socket is greeted with: the live list for a dashboard, the waiting invite for a visitor. */
    record Greeting(List<Visitor> liveVisitors, PendingInvite pendingInvite) {}

    /** What an invite achieved: how many of the visitor's sockets it reached right now. */
    record InviteOutcome(PendingInvite invite, int delivered) {}

    /** Applies one event; completes with the visitor once the change is durable. */
    Future<Visitor> track(String siteId, VisitorEvent e);

    Future<InviteOutcome> invite(String siteId, String visitorId, String guestUrl);

    /** A provider's late answer about a visitor's address, applied only if the visitor is still there. */
    Future<Visitor> enrich(String siteId, String visitorId, String ip, Enrichment e);

    /**
     * Puts an open socket in its site's hub and greets it, so that no update slips between the greeting
     * (a snapshot) and the stream that follows. Returns what to run when the socket closes.
     */
    Runnable join(Connection c, Consumer<Greeting> greet);

    /** Sends a fresh snapshot to an open socket (a dashboard's GET_VISITORS), in order with the stream. */
    void refresh(Connection c, Consumer<Greeting> send);

    /** Sites this node holds anything for. */
    int activeSites();
}
