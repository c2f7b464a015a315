package dev.tippen.visitor;

import dev.tippen.enrich.Enrichment;
import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * What the handlers ask of the sites: each request is one decision of the rules, applied by the
 * engine. This is the whole domain as the outside sees it.
 */
public final class Sites {
    /** What an invite achieved: how many of the visitor's sockets it reached right now. */
    public record InviteOutcome(InviteRecord invite, int delivered) {}

    private final Engine engine;
    private final SiteRules rules;
    private final Lookup lookup;
    private final Supplier<String> inviteIds;
    private final TippenMetrics metrics;

    public Sites(Engine engine, SiteRules rules, Lookup lookup, Supplier<String> inviteIds, TippenMetrics metrics) {
        this.engine = engine;
        this.rules = rules;
        this.lookup = lookup;
        this.inviteIds = inviteIds;
        this.metrics = metrics;
    }

    /** See {@link Engine#writesRefused}: the refusal {@link #track} would give, known before the event is read. */
    public SiteRefusal writesRefused(String siteId) {
        return engine.writesRefused(siteId);
    }

    /** Applies one event; completes once it is durable, with the visitor (null: the event changed nothing). */
    public Future<Visitor> track(String siteId, VisitorEvent e) {
        return engine.change(siteId, e.visitorId(), (current, now) -> {
            Change c = rules.track(current, e, now, lookup);
            return new Engine.Decision<>(c, c.after());
        }).map(applied -> {
            metrics.event(e.type().wire());
            Visitor v = applied.result();
            if (v != null && v.bot()) metrics.botEvent();
            return v;
        });
    }

    /** An invite to a meeting at {@code guestUrl}, elsewhere. */
    public Future<InviteOutcome> invite(String siteId, String visitorId, String guestUrl, Sender sentBy) {
        return invite(siteId, visitorId, inviteIds.get(), guestUrl, sentBy, false);
    }

    /**
     * An invite to a call in Tippen: {@code callId} (the invite's id) and its page's address
     * {@code callUrl} are chosen by the caller, who hands the agent its token for them.
     */
    public Future<InviteOutcome> inviteToCall(String siteId, String visitorId, String callId, String callUrl, Sender sentBy) {
        return invite(siteId, visitorId, callId, callUrl, sentBy, true);
    }

    private Future<InviteOutcome> invite(String siteId, String visitorId, String inviteId, String guestUrl, Sender sentBy, boolean call) {
        return engine.change(siteId, visitorId, (current, now) -> {
            if (current == null) {
                throw new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR, "no live visitor '" + visitorId + "' on this site");
            }
            Change c = rules.invite(current, inviteId, guestUrl, sentBy, call, now);
            return new Engine.Decision<>(c, c.after().pendingInvite());
        }).map(applied -> new InviteOutcome(applied.result(), applied.visitorSockets()));
    }

    /** A new call's id, which is also its invite's. */
    public String newInviteId() {
        return inviteIds.get();
    }

    /** The visitor's browser joins the call: completes with the call as it now stands. */
    public Future<InviteRecord> callJoined(String siteId, String visitorId, String callId) {
        return engine.change(siteId, visitorId, (current, now) -> {
            Change c = rules.callJoined(current, callId, now);
            return new Engine.Decision<>(c, c.after().calls().invite(callId));
        }).map(Engine.Applied::result);
    }

    public Future<Void> callConnected(String siteId, String visitorId, String callId) {
        return engine.change(siteId, visitorId, (current, now) -> new Engine.Decision<Void>(rules.callConnected(current, callId, now), null))
                .mapEmpty();
    }

    /** Completes with the call as it ended (null: the visitor or the call is gone). */
    public Future<InviteRecord> callEnded(String siteId, String visitorId, String callId, String reason) {
        return engine.change(siteId, visitorId, (current, now) -> {
            Change c = rules.callEnded(current, callId, reason, now);
            return new Engine.Decision<>(c, c.after() == null ? null : c.after().calls().invite(callId));
        }).map(Engine.Applied::result);
    }

    /** A provider's late answer about a visitor's address, applied only if the visitor is still there. */
    public Future<Visitor> enrich(String siteId, String visitorId, String ip, Enrichment e) {
        return engine.change(siteId, visitorId, (current, now) -> {
            Change c = rules.enrich(current, ip, e);
            return new Engine.Decision<>(c, c.after());
        }).map(Engine.Applied::result);
    }

    /**
     * The visitor's last socket, on every node, closed: it leaves after the exit grace unless an event
     * or a socket comes first. Nothing to store for a visitor not live, or one already leaving.
     */
    public Future<Void> socketsClosed(String siteId, String visitorId, long closedAt) {
        return engine.change(siteId, visitorId,
                (current, now) -> new Engine.Decision<Void>(rules.socketsClosed(current, closedAt, now), null, true)).mapEmpty();
    }

    /** A socket of a visitor that was leaving opened again (a reconnect, the next page): it stays. */
    public Future<Void> socketOpened(String siteId, String visitorId) {
        return engine.change(siteId, visitorId, (current, now) -> new Engine.Decision<Void>(rules.socketOpened(current), null))
                .mapEmpty();
    }

    /**
     * Forgets a visitor: removed from the live list now, and from the history once it hears of it,
     * which then keeps {@code receipt} (may be null) to say it has.
     */
    public Future<Void> erase(String siteId, String visitorId, String receipt) {
        return engine.change(siteId, visitorId, (current, now) -> {
            Change live = current == null ? Change.none(null) : rules.erase(current);
            java.util.List<Notice> notices = new java.util.ArrayList<>(live.notices());
            notices.add(SiteRules.erased(visitorId, receipt));
            return new Engine.Decision<Void>(new Change(current, live.after(), notices, false), null);
        }).onSuccess(applied -> engine.erased()).mapEmpty();
    }

    public Future<Engine.LiveList> live(String siteId) {
        return engine.live(siteId);
    }

    public Future<Engine.Seen> seen(String siteId, String visitorId) {
        return engine.seen(siteId, visitorId);
    }

    public SiteRules rules() {
        return rules;
    }
}
