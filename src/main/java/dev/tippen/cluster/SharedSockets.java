package dev.tippen.cluster;

import dev.tippen.dashboard.DashboardMessages;
import dev.tippen.fanout.Connection;
import dev.tippen.fanout.Hub;
import dev.tippen.fanout.Outbound;
import dev.tippen.invite.PendingInvite;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.StoreException;
import dev.tippen.store.StoredJson;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Sites.Greeting;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's sockets on the shared sites: greeting them with a snapshot from Redis, then passing on
 * the numbered messages of their site's channel, and sending a fresh snapshot when messages may have
 * been missed.
 */
final class SharedSockets {
    private final RedisLink link;
    private final SiteLanes lanes;
    private final Hub hub;
    private final Presence presence;
    private final SiteChannels channels;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final Script snapshot = Script.load("snapshot");
    /**
     * Sockets whose snapshot is being fetched, with what to send once more when another was asked for
     * meanwhile ({@link #NOTHING_MORE} if none): one fetch at a time per socket keeps snapshots in order.
     */
    private final ConcurrentHashMap<Connection, Consumer<Greeting>> refreshing = new ConcurrentHashMap<>();
    private static final Consumer<Greeting> NOTHING_MORE = g -> { };

    SharedSockets(Vertx vertx, RedisLink link, SiteLanes lanes, Hub hub, Presence presence, TippenMetrics metrics,
                  SiteSettings settings, Clock clock) {
        this.link = link;
        this.lanes = lanes;
        this.hub = hub;
        this.presence = presence;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.channels = new SiteChannels(vertx, link, lanes, this::deliver, this::resync);
    }

    SiteChannels channels() {
        return channels;
    }

    /**
     * The socket is attached and held at once; the site's channel is subscribed (and a visitor socket
     * counted) before the snapshot is read, so every message after the snapshot reaches it, and those
     * the snapshot already reflects are dropped on release.
     */
    Runnable join(Connection c, Consumer<Greeting> greet) {
        String siteId = c.siteId();
        lanes.execute(siteId, () -> {
            hub.attach(c);
            hub.hold(c);
            refreshing.put(c, NOTHING_MORE);
            Future<Void> ready = channels.subscribe(siteId);
            if (c.kind() == Connection.Kind.VISITOR) ready = ready.compose(v -> presence.add(c));
            greetWhenReady(c, ready, greet);
        });
        return () -> lanes.execute(siteId, () -> {
            hub.detach(c);
            refreshing.remove(c);
            if (c.kind() == Connection.Kind.VISITOR) presence.remove(c);
            if (!hub.hasSockets(siteId)) channels.unsubscribe(siteId);
        });
    }

    void refresh(Connection c, Consumer<Greeting> send) {
        lanes.execute(c.siteId(), () -> {
            if (refreshing.containsKey(c)) {
                refreshing.put(c, send);
                return;
            }
            refreshing.put(c, NOTHING_MORE);
            hub.hold(c);
            greetWhenReady(c, Future.succeededFuture(), send);
        });
    }

    private void greetWhenReady(Connection c, Future<Void> ready, Consumer<Greeting> greet) {
        String siteId = c.siteId();
        lanes.backTo(siteId, ready.compose(v -> snapshot(c))).onComplete(ar -> {
            if (ar.failed()) {
                hub.release(c, Long.MAX_VALUE);
                refreshing.remove(c);
                c.close((short) 1013, "storage unavailable; reconnect shortly");
                return;
            }
            greet.accept(ar.result().greeting());
            hub.release(c, ar.result().seq());
            Consumer<Greeting> again = refreshing.remove(c);
            if (again != null && again != NOTHING_MORE) refresh(c, again);
        });
    }

    private record Snapshot(long seq, Greeting greeting) {}

    private Future<Snapshot> snapshot(Connection c) {
        SiteKeys keys = new SiteKeys(c.siteId());
        boolean visitor = c.kind() == Connection.Kind.VISITOR;
        List<String> k = keys.state().subList(0, 4);
        return link.eval(snapshot, k, List.of(visitor ? c.visitorId() : "")).map(r -> {
            long seq = Long.parseLong(r.get(0).toString());
            if (visitor) {
                String json = r.get(1).toString();
                PendingInvite invite = null;
                try {
                    if (!json.isEmpty()) invite = StoredJson.read(json, PendingInvite.class);
                } catch (Exception e) {
                    throw new StoreException("unreadable invite in Redis: " + e.getMessage(), false, e);
                }
                if (invite != null && invite.expired(clock.millis())) invite = null;
                return new Snapshot(seq, new Greeting(List.of(), invite));
            }
            List<Visitor> live = new ArrayList<>(r.size() - 1);
            for (int i = 1; i < r.size(); i++) {
                Visitor v = VisitorWrites.visitorOf(r.get(i).toString());
                if (v != null && v.live() && shown(v)) live.add(v);
            }
            return new Snapshot(seq, new Greeting(live, null));
        });
    }

    /** On the site's lane: a numbered message from the site's channel, to this node's sockets. */
    private void deliver(String siteId, Envelope e) {
        switch (e.kind()) {
            case Envelope.DASHBOARDS -> hub.deliver(siteId, e.seq(), Outbound.toDashboards(e::body));
            case Envelope.VISITOR -> hub.deliver(siteId, e.seq(), Outbound.toVisitor(e.target(), e::body));
            case Envelope.EXPIRED -> expired(siteId, e);
            default -> { }
        }
    }

    /** A sweep's result, rendered like one node's sweep: the removed live visitors, then the list. */
    private void expired(String siteId, Envelope e) {
        if (hub.dashboards(siteId).isEmpty()) return;
        String body = e.body();
        int eol = body.indexOf('\n');
        String first = eol < 0 ? body : body.substring(0, eol);
        String[] parts = first.isEmpty() ? new String[0] : first.split(" ");
        List<String> removed = new ArrayList<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            String flags = parts[i + 1];
            if (flags.charAt(0) == 'l' && (settings.showBots() || flags.charAt(1) != 'b')) removed.add(parts[i]);
        }
        if (removed.isEmpty()) return;
        hub.deliver(siteId, e.seq(), Outbound.toDashboards(() -> DashboardMessages.visitorsRemoved(removed, "inactive")));
        hub.deliver(siteId, e.seq(), Outbound.cleanupList(() -> {
            List<Visitor> live = new ArrayList<>();
            if (eol >= 0) {
                for (String row : body.substring(eol + 1).split("\n")) {
                    if (row.isEmpty()) continue;
                    Visitor v = VisitorWrites.visitorOf(row);
                    if (v != null && shown(v)) live.add(v);
                }
            }
            return DashboardMessages.visitorList(live);
        }));
    }

    /**
     * On the site's lane: messages may have been missed (the subscriber connection dropped, or the
     * numbering jumped), so every dashboard gets the list afresh, and this node's socket counts are
     * written again in case Redis lost them.
     */
    private void resync(String siteId) {
        presence.reclaim(siteId);
        for (Connection c : hub.dashboards(siteId)) {
            metrics.resync();
            refresh(c, greeting -> c.send(DashboardMessages.visitorList(greeting.liveVisitors())));
        }
    }

    private boolean shown(Visitor v) {
        return settings.showBots() || !v.bot();
    }
}
