package dev.tippen.visitor;

import dev.tippen.dashboard.DashboardMessages;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.Enrichment;
import dev.tippen.fanout.Broker;
import dev.tippen.fanout.Outbound;
import dev.tippen.invite.PendingInvite;
import dev.tippen.invite.VisitorMessages;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.VisitorStore;
import dev.tippen.store.VisitorStore.PutInvite;
import dev.tippen.store.VisitorStore.PutVisitor;
import dev.tippen.store.VisitorStore.RemoveInvite;
import dev.tippen.store.VisitorStore.RemoveVisitor;
import dev.tippen.store.VisitorStore.Write;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's live state, the counterpart of the original's Durable Object. Every method runs on the
 * site's lane, so the maps below need no locks. A change is applied in memory, made durable, and only
 * then published and acknowledged.
 */
public final class SiteCoordinator {
    private static final Logger log = LoggerFactory.getLogger(SiteCoordinator.class);

    private final String siteId;
    private final Vertx vertx;
    private final SiteLanes lanes;
    private final VisitorStore store;
    private final Broker broker;
    private final Enricher enricher;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final Runnable onIdle;

    /** Ordered by last activity (an active visitor moves to the end), so expiry reads from the front. */
    private final LinkedHashMap<String, Visitor> visitors = new LinkedHashMap<>();
    /** Ordered by expiry: every invite lives for the same time. */
    private final LinkedHashMap<String, PendingInvite> invites = new LinkedHashMap<>();
    private int live;
    private int inFlight;
    private long sweepTimer = -1;
    private long sweepAt;
    private long lastSweep;

    SiteCoordinator(String siteId, Vertx vertx, SiteLanes lanes, VisitorStore store, Broker broker, Enricher enricher,
                    TippenMetrics metrics, SiteSettings settings, Clock clock, Runnable onIdle) {
        this.enricher = enricher;
        this.siteId = siteId;
        this.vertx = vertx;
        this.lanes = lanes;
        this.store = store;
        this.broker = broker;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.onIdle = onIdle;
    }

    void restore(List<Visitor> restoredVisitors, List<PendingInvite> restoredInvites) {
        for (Visitor v : restoredVisitors) {
            visitors.put(v.visitorId(), v);
            if (v.live()) live++;
        }
        for (PendingInvite i : restoredInvites) invites.put(i.visitorId(), i);
        metrics.liveVisitors(live);
        scheduleSweep();
    }

    public Future<Visitor> track(VisitorEvent e) {
        String id = e.visitorId();
        Visitor prev = visitors.get(id);
        if (prev == null && visitors.size() >= settings.maxVisitors()) {
            return Future.failedFuture(new SiteRefusal(SiteRefusal.Reason.SITE_FULL,
                    "site has " + visitors.size() + " visitors, the most one site may hold"));
        }
        Visitor next = VisitorTransitions.apply(prev, e, clock.millis(), this::lookup);
        visitors.remove(id);
        visitors.put(id, next);
        countLive(prev, next);
        List<Write> writes = new ArrayList<>(2);
        writes.add(new PutVisitor(siteId, next));
        PendingInvite answered = null;
        if (e.type() == EventType.VIDEO_ACCEPTED || e.type() == EventType.VIDEO_DECLINED) {
            answered = invites.remove(id);
            if (answered != null) writes.add(new RemoveInvite(siteId, id));
        }
        scheduleSweep();
        PendingInvite restoreOnFailure = answered;
        return commit(writes).compose(v -> {
            metrics.event(e.type().wire());
            if (next.bot()) metrics.botEvent();
            if (shown(next)) {
                broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorUpdate(next, e.type().wire())));
                if (e.type() == EventType.EXIT) {
                    broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorsRemoved(List.of(id), "exit")));
                }
            } else if (prev != null && shown(prev)) {
                broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorsRemoved(List.of(id), "bot")));
            }
            return Future.succeededFuture(next);
        }, err -> {
            // Not stored, so not acknowledged: put back what the dashboards and the disk still believe.
            if (visitors.get(id) == next) {
                visitors.remove(id);
                if (prev != null) visitors.put(id, prev);
                countLive(next, prev);
            }
            if (restoreOnFailure != null) invites.putIfAbsent(id, restoreOnFailure);
            return Future.failedFuture(err);
        });
    }

    public Future<Sites.InviteOutcome> invite(String visitorId, String guestUrl) {
        Visitor v = visitors.get(visitorId);
        if (v == null || !v.live()) {
            return Future.failedFuture(new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR,
                    "no live visitor '" + visitorId + "' on this site"));
        }
        long now = clock.millis();
        PendingInvite invite = new PendingInvite(visitorId, "inv_" + ApiKeys.randomToken(16), guestUrl, now,
                now + settings.inviteTtl().toMillis());
        Visitor next = v.invited(guestUrl);
        visitors.put(visitorId, next);
        PendingInvite replaced = invites.remove(visitorId);
        invites.put(visitorId, invite);
        scheduleSweep();
        return commit(List.of(new PutVisitor(siteId, next), new PutInvite(siteId, invite))).compose(ok -> {
            Future<Integer> delivered = broker.publish(siteId,
                    Outbound.toVisitor(visitorId, () -> VisitorMessages.videoInvite(invite)));
            broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.videoInviteSent(visitorId, guestUrl, invite.inviteId())));
            broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorUpdate(next, "video_invite")));
            return delivered.map(n -> new Sites.InviteOutcome(invite, n));
        }, err -> {
            if (visitors.get(visitorId) == next) visitors.put(visitorId, v);
            if (invites.get(visitorId) == invite) {
                invites.remove(visitorId);
                if (replaced != null) invites.put(visitorId, replaced);
            }
            return Future.failedFuture(err);
        });
    }

    /**
     * A provider's late answer about a visitor's address. Applied only if the visitor is still at that
     * address; stored, then told to the dashboards as a VISITOR_UPDATE with event "enriched".
     */
    public Future<Visitor> enrich(String visitorId, String ip, Enrichment e) {
        Visitor v = visitors.get(visitorId);
        if (v == null || ip == null || !ip.equals(v.ip())) return Future.succeededFuture(null);
        Visitor next = v.enriched(e);
        if (next.equals(v)) return Future.succeededFuture(v);
        visitors.put(visitorId, next);
        return commit(List.of(new PutVisitor(siteId, next))).compose(ok -> {
            if (shown(next)) {
                broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorUpdate(next, "enriched")));
            } else if (shown(v)) {
                broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorsRemoved(List.of(visitorId), "bot")));
            }
            return Future.succeededFuture(next);
        }, err -> {
            if (visitors.get(visitorId) == next) visitors.put(visitorId, v);
            return Future.failedFuture(err);
        });
    }

    /** The live list the dashboards see: bots left out unless the server shows them. */
    public List<Visitor> liveVisitors() {
        List<Visitor> out = new ArrayList<>(live);
        for (Visitor v : visitors.values()) if (v.live() && shown(v)) out.add(v);
        return out;
    }

    private Enrichment lookup(VisitorEvent e) {
        VisitorEvent.Page p = e.page();
        return enricher.lookup(e.ip(), e.device(), e.browser().timezone(), p.url(), p.referrer());
    }

    private boolean shown(Visitor v) {
        return settings.showBots() || !v.bot();
    }

    public Optional<PendingInvite> pendingInvite(String visitorId) {
        PendingInvite i = invites.get(visitorId);
        return i == null || i.expired(clock.millis()) ? Optional.empty() : Optional.of(i);
    }

    boolean idle() {
        return visitors.isEmpty() && invites.isEmpty() && inFlight == 0;
    }

    /** Removes visitors idle past the TTL and expired invites, then tells every dashboard. */
    void sweep() {
        sweepTimer = -1;
        long now = clock.millis();
        lastSweep = now;
        long ttl = settings.visitorTtl().toMillis();
        List<Write> writes = new ArrayList<>();
        List<String> removedLive = new ArrayList<>();
        int removed = 0;
        for (Iterator<Visitor> it = visitors.values().iterator(); it.hasNext(); ) {
            Visitor v = it.next();
            if (v.lastActivity() + ttl > now) break;
            it.remove();
            removed++;
            writes.add(new RemoveVisitor(siteId, v.visitorId()));
            if (v.live()) {
                if (shown(v)) removedLive.add(v.visitorId());
                live--;
                metrics.liveVisitors(-1);
            }
            if (invites.remove(v.visitorId()) != null) writes.add(new RemoveInvite(siteId, v.visitorId()));
        }
        List<Visitor> lapsed = new ArrayList<>();
        for (Iterator<PendingInvite> it = invites.values().iterator(); it.hasNext(); ) {
            PendingInvite i = it.next();
            if (!i.expired(now)) break;
            it.remove();
            writes.add(new RemoveInvite(siteId, i.visitorId()));
            Visitor v = visitors.get(i.visitorId());
            if (v != null && VisitorStatus.VIDEO_INVITED.equals(v.status()) && i.guestUrl().equals(v.guestUrl())) {
                Visitor next = v.inviteExpired();
                visitors.put(v.visitorId(), next);
                writes.add(new PutVisitor(siteId, next));
                if (shown(next)) lapsed.add(next);
            }
        }
        if (removed > 0) metrics.expired(removed);
        if (!writes.isEmpty()) {
            commit(writes).onComplete(ar -> {
                if (ar.failed()) {
                    log.warn("event=sweep_not_stored site={} error=\"{}\"", siteId, ar.cause().getMessage());
                }
                if (!removedLive.isEmpty()) {
                    log.info("event=visitors_expired site={} count={}", siteId, removedLive.size());
                    broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorsRemoved(removedLive, "inactive")));
                    List<Visitor> remaining = liveVisitors();
                    broker.publish(siteId, Outbound.cleanupList(() -> DashboardMessages.visitorList(remaining)));
                }
                for (Visitor v : lapsed) {
                    broker.publish(siteId, Outbound.toDashboards(() -> DashboardMessages.visitorUpdate(v, "invite_expired")));
                }
                afterChange();
            });
        }
        scheduleSweep();
        afterChange();
    }

    /**
     * Arms one timer for the earliest expiry, no sooner than one sweep interval after the last sweep:
     * O(1) per event, and no scan of other sites.
     */
    private void scheduleSweep() {
        long due = Long.MAX_VALUE;
        if (!visitors.isEmpty()) due = visitors.values().iterator().next().lastActivity() + settings.visitorTtl().toMillis();
        if (!invites.isEmpty()) due = Math.min(due, invites.values().iterator().next().expiresAt());
        if (due == Long.MAX_VALUE) return;
        due = Math.max(due, lastSweep + settings.sweepInterval().toMillis());
        if (sweepTimer != -1) {
            if (sweepAt <= due) return;
            vertx.cancelTimer(sweepTimer);
        }
        sweepAt = due;
        sweepTimer = vertx.setTimer(Math.max(1, due - clock.millis()), id -> sweep());
    }

    private Future<Void> commit(List<Write> writes) {
        inFlight++;
        return lanes.backTo(siteId, store.write(writes)).andThen(ar -> inFlight--);
    }

    private void afterChange() {
        if (idle()) onIdle.run();
    }

    private void countLive(Visitor before, Visitor after) {
        int delta = (after != null && after.live() ? 1 : 0) - (before != null && before.live() ? 1 : 0);
        live += delta;
        if (delta != 0) metrics.liveVisitors(delta);
    }

    public String siteId() {
        return siteId;
    }
}
