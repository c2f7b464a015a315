package dev.tippen.cluster;

import dev.tippen.dashboard.DashboardMessages;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.Enrichment;
import dev.tippen.fanout.Connection;
import dev.tippen.fanout.Hub;
import dev.tippen.invite.PendingInvite;
import dev.tippen.invite.VisitorMessages;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.StoredJson;
import dev.tippen.visitor.EventType;
import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.Visitor;
import dev.tippen.visitor.VisitorEvent;
import dev.tippen.visitor.VisitorStatus;
import dev.tippen.visitor.VisitorTransitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every site's state in Redis, shared by all nodes. Each change to a visitor is decided here with the
 * same rules as on one node ({@link VisitorTransitions}) and applied atomically by {@link VisitorWrites},
 * with the messages it causes, numbered per site, so every node hears of it in order
 * ({@link SharedSockets}). Expiry runs once for the cluster ({@link ClusterSweeper}).
 */
public final class SharedSites implements Sites {
    private final VisitorWrites writes;
    private final SharedSockets sockets;
    private final Presence presence;
    private final ClusterSweeper sweeper;
    private final Enricher enricher;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final Vertx vertx;
    private long renewer = -1;

    private SharedSites(Vertx vertx, RedisLink link, SiteLanes lanes, Hub hub, Enricher enricher, TippenMetrics metrics,
                        SiteSettings settings, Clock clock, String nodeId) {
        this.vertx = vertx;
        this.enricher = enricher;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        // The versions of up to 100,000 recently changed visitors are remembered (about 100 MB at most).
        this.writes = new VisitorWrites(link, lanes, metrics, settings, clock, 100_000);
        this.presence = new Presence(link, lanes, hub, nodeId);
        this.sockets = new SharedSockets(vertx, link, lanes, hub, presence, metrics, settings, clock);
        this.sweeper = new ClusterSweeper(vertx, link, this, metrics, clock, settings.sweepInterval(), settings.visitorTtl(), nodeId);
    }

    /**
     * Makes the shared sites of this node and starts what runs beside them: the subscriptions, the
     * presence renewals, the cluster-wide sweep, and the recovery after Redis comes back.
     */
    public static SharedSites start(Vertx vertx, RedisLink link, SiteLanes lanes, Hub hub, Enricher enricher,
                                    TippenMetrics metrics, SiteSettings settings, Clock clock) {
        SharedSites sites = new SharedSites(vertx, link, lanes, hub, enricher, metrics, settings, clock,
                "node_" + ApiKeys.randomToken(10));
        sites.sockets.channels().start();
        sites.sweeper.start();
        sites.renewer = vertx.setPeriodic(Presence.LAPSE_MILLIS / 3, id -> sites.presence.renew());
        // Redis may have restarted without some of this node's claims; the cached versions may be stale.
        link.onRecovered(() -> {
            sites.writes.forgetAll();
            sites.presence.reclaim();
        });
        link.watch();
        return sites;
    }

    public void stop() {
        sweeper.stop();
        vertx.cancelTimer(renewer);
        sockets.channels().close();
    }

    @Override
    public Future<Visitor> track(String siteId, VisitorEvent e) {
        return writes.change(siteId, e.visitorId(), true, k -> {
            Visitor prev = k.visitor();
            long now = clock.millis();
            Visitor next = VisitorTransitions.apply(prev, e, now, this::lookup);
            List<String> messages = new ArrayList<>(2);
            if (shown(next)) {
                messages.add(toDashboards(DashboardMessages.visitorUpdate(next, e.type().wire())));
                if (e.type() == EventType.EXIT) messages.add(toDashboards(DashboardMessages.visitorsRemoved(List.of(next.visitorId()), "exit")));
            } else if (prev != null && shown(prev)) {
                messages.add(toDashboards(DashboardMessages.visitorsRemoved(List.of(next.visitorId()), "bot")));
            }
            boolean answer = e.type() == EventType.VIDEO_ACCEPTED || e.type() == EventType.VIDEO_DECLINED;
            // A new visitor makes sure the site is in the sweep index; sent in the same round trip.
            Request due = prev == null ? dueBy(siteId, now + settings.visitorTtl().toMillis()) : null;
            return new VisitorWrites.Change<>(next, answer ? "del" : "", "", 0, messages, due, applied -> {
                metrics.event(e.type().wire());
                if (next.bot()) metrics.botEvent();
                return next;
            });
        });
    }

    @Override
    public Future<InviteOutcome> invite(String siteId, String visitorId, String guestUrl) {
        return writes.change(siteId, visitorId, false, k -> {
            Visitor v = k.visitor();
            if (v == null || !v.live()) {
                throw new SiteRefusal(SiteRefusal.Reason.NO_SUCH_VISITOR, "no live visitor '" + visitorId + "' on this site");
            }
            long now = clock.millis();
            PendingInvite invite = new PendingInvite(visitorId, "inv_" + ApiKeys.randomToken(16), guestUrl, now,
                    now + settings.inviteTtl().toMillis());
            Visitor next = v.invited(guestUrl);
            List<String> messages = List.of(
                    Envelope.unnumbered(Envelope.VISITOR, visitorId, VisitorMessages.videoInvite(invite)),
                    toDashboards(DashboardMessages.videoInviteSent(visitorId, guestUrl, invite.inviteId())),
                    toDashboards(DashboardMessages.visitorUpdate(next, "video_invite")));
            return new VisitorWrites.Change<>(next, "put", StoredJson.write(invite), invite.expiresAt(), messages,
                    dueBy(siteId, invite.expiresAt()), applied -> new InviteOutcome(invite, applied.reached()));
        });
    }

    @Override
    public Future<Visitor> enrich(String siteId, String visitorId, String ip, Enrichment e) {
        return writes.change(siteId, visitorId, false, k -> {
            Visitor v = k.visitor();
            if (v == null || ip == null || !ip.equals(v.ip())) return new VisitorWrites.Done<>(null);
            Visitor next = v.enriched(e);
            if (next.equals(v)) return new VisitorWrites.Done<>(v);
            List<String> messages = new ArrayList<>(1);
            if (shown(next)) messages.add(toDashboards(DashboardMessages.visitorUpdate(next, "enriched")));
            else if (shown(v)) messages.add(toDashboards(DashboardMessages.visitorsRemoved(List.of(visitorId), "bot")));
            return new VisitorWrites.Change<>(next, "", "", 0, messages, null, applied -> next);
        });
    }

    /** The sweeper's part for an invite past its expiry: the visitor goes back to active if still waiting on it. */
    Future<Void> lapse(String siteId, String visitorId, String inviteJson) {
        PendingInvite invite;
        try {
            invite = inviteJson.isEmpty() ? null : StoredJson.read(inviteJson, PendingInvite.class);
        } catch (Exception e) {
            invite = null;
        }
        if (invite == null) return Future.succeededFuture();
        PendingInvite i = invite;
        return writes.change(siteId, visitorId, false, k -> {
            Visitor v = k.visitor();
            boolean waiting = v != null && VisitorStatus.VIDEO_INVITED.equals(v.status()) && i.guestUrl().equals(v.guestUrl());
            Visitor next = waiting ? v.inviteExpired() : null;
            List<String> messages = next != null && shown(next)
                    ? List.of(toDashboards(DashboardMessages.visitorUpdate(next, "invite_expired"))) : List.of();
            return new VisitorWrites.Change<Void>(next, "del-if", i.inviteId(), 0, messages, null, applied -> null);
        }).mapEmpty();
    }

    private static Request dueBy(String siteId, long when) {
        return Request.cmd(Command.ZADD).arg(SiteKeys.DUE).arg("LT").arg(when).arg(siteId);
    }

    private static String toDashboards(String json) {
        return Envelope.unnumbered(Envelope.DASHBOARDS, null, json);
    }

    private Enrichment lookup(VisitorEvent e) {
        VisitorEvent.Page p = e.page();
        return enricher.lookup(e.ip(), e.device(), e.browser().timezone(), p.url(), p.referrer());
    }

    private boolean shown(Visitor v) {
        return settings.showBots() || !v.bot();
    }

    @Override
    public Runnable join(Connection c, Consumer<Greeting> greet) {
        return sockets.join(c, greet);
    }

    @Override
    public void refresh(Connection c, Consumer<Greeting> send) {
        sockets.refresh(c, send);
    }

    @Override
    public int activeSites() {
        return sockets.channels().count();
    }
}
