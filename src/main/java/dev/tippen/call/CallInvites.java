package dev.tippen.call;

import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Sender;
import dev.tippen.visitor.Sites;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * An invite to a call in Tippen itself: the agent's line is taken (one call at a time), the invite
 * sent like any other, and the agent handed its ticket for the call's socket.
 */
public final class CallInvites {
    /** What the agent needs to place the call: its id, its page, and the ticket for its socket. */
    public record Placed(Sites.InviteOutcome outcome, String callId, String ticket) {
        public JsonObject json() {
            return new JsonObject().put("callId", callId).put("ticket", ticket);
        }
    }

    private final Sites sites;
    private final CallTickets tickets;
    private final AgentLines lines;

    public CallInvites(Sites sites, CallTickets tickets, AgentLines lines) {
        this.sites = sites;
        this.tickets = tickets;
        this.lines = lines;
    }

    /** Who an agent's ticket is for: the person, or (sent with a key) whoever holds the site's keys. */
    static String holder(Caller caller) {
        return caller.actor().person() ? "user:" + caller.actor().userId() : "key:" + caller.siteId();
    }

    /** {@code base}: this server's address as the visitor's browser reaches it. */
    public Future<Placed> invite(Caller caller, String visitorId, String base) {
        String siteId = caller.siteId();
        String callId = sites.newInviteId();
        String holder = holder(caller);
        String line = LinePointer.of(siteId, visitorId, callId);
        Sender sentBy = caller.actor().person() ? new Sender(caller.actor().userId(), caller.actor().name()) : Sender.API_KEY;
        // A key is the whole team's, not one agent: only a person has a single line.
        Future<Boolean> taken = caller.actor().person()
                ? lines.take(holder, line, this::stillOn).recover(err -> Future.failedFuture(err instanceof ApiError ? err
                        : ApiError.unavailable("the agent's line cannot be checked right now; try again", 2)))
                : Future.succeededFuture(true);
        return taken.compose(free -> {
            if (!free) return Future.failedFuture(new ApiError(409, "you are on another call; hang it up first"));
            return sites.inviteToCall(siteId, visitorId, callId, base + "/call/" + callId, sentBy)
                    .onFailure(err -> lines.free(holder, line))
                    .map(outcome -> new Placed(outcome, callId, tickets.issue(new CallTickets.Ticket(siteId, visitorId, callId,
                            CallTickets.Party.AGENT, holder, System.currentTimeMillis() + CallTickets.LIFETIME_MILLIS))));
        });
    }

    /**
     * A new ticket for the agent's own call still waiting or under way: the console was reloaded, or
     * opened again in another tab, and takes the call back within the time a page may be away.
     */
    public Future<String> rejoin(Caller caller, String visitorId, String callId) {
        String siteId = caller.siteId();
        return sites.seen(siteId, visitorId).map(seen -> {
            InviteRecord call = seen.visitor() == null ? null : seen.visitor().calls().invite(callId);
            long now = System.currentTimeMillis();
            if (call == null || !call.tippenCall() || call.call().ended() || !(call.inCall() || call.waiting(now))) {
                throw new ApiError(404, "no call '" + callId + "' of this visitor is waiting or under way");
            }
            String sender = call.sentBy().person() ? "user:" + call.sentBy().userId() : "key:" + siteId;
            if (!sender.equals(holder(caller))) throw new ApiError(403, "this call is " + call.sentBy().name() + "'s");
            return tickets.issue(new CallTickets.Ticket(siteId, visitorId, callId, CallTickets.Party.AGENT, sender,
                    now + CallTickets.LIFETIME_MILLIS));
        });
    }

    /**
     * The visitor's browser pressed Join on a socket carrying its token: the call is joined and the
     * visitor's ticket made, for that socket only.
     */
    public Future<String> join(String siteId, String visitorId, String callId) {
        return sites.callJoined(siteId, visitorId, callId).map(call -> tickets.issue(new CallTickets.Ticket(siteId, visitorId, callId,
                CallTickets.Party.VISITOR, visitorId, System.currentTimeMillis() + CallTickets.LIFETIME_MILLIS)));
    }

    /** Whether the call a line points at is still waiting or under way. */
    private Future<Boolean> stillOn(String pointer) {
        LinePointer p = LinePointer.parse(pointer);
        if (p == null) return Future.succeededFuture(false);
        return sites.seen(p.siteId(), p.visitorId()).map(seen -> {
            InviteRecord call = seen.visitor() == null ? null : seen.visitor().calls().invite(p.callId());
            return call != null && (call.inCall() || call.tippenCall() && !call.call().ended() && call.waiting(System.currentTimeMillis()));
        }).otherwise(false);
    }
}
