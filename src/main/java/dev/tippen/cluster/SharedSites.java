package dev.tippen.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tippen.dashboard.DashboardMessages;
import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.Enrichment;
import dev.tippen.fanout.Connection;
import dev.tippen.fanout.Hub;
import dev.tippen.fanout.Outbound;
import dev.tippen.invite.PendingInvite;
import dev.tippen.invite.VisitorMessages;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.StoreException;
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
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Every site's state in Redis, shared by all nodes. A change to a visitor is computed here with the
 * same rules as on one node ({@link VisitorTransitions}), then applied by one script only if nobody
 * changed the visitor meanwhile; if someone did, the script answers with the current value and the
 * change is computed again from it. So two nodes updating one visitor at once never lose an update.
 * The script also numbers and publishes the change's messages, so every node hears of it in order.
 *
 * <p>On each node, changes to one visitor are queued behind each other (they would only conflict),
 * and the last version seen of each visitor is cached, so the usual change is a single round trip.
 */
public final class SharedSites implements Sites {
    private static final int MAX_ATTEMPTS = 50;

    /**
     * A visitor as last seen, with its version; version 0 and no visitor: absent. {@code fresh}: just
     * read from Redis, so a refusal may rest on it; what the cache holds is never fresh.
     */
    record Known(long version, Visitor visitor, boolean fresh) {
        static final Known ABSENT = new Known(0, null, false);

        Known cached() {
            return fresh ? new Known(version, visitor, false) : this;
        }
    }

    /** What one attempt decided: an answer without a change, or a change to apply. */
    private sealed interface Step<T> permits Done, Change {}

    private record Done<T>(T value) implements Step<T> {}

    /** The script's answer to an applied change: did the invite change, how many sockets it reached. */
    private record Applied(boolean inviteChanged, int reached) {}

    private record Change<T>(Visitor next, String inviteOp, String inviteArg, long inviteExpiresAt, List<String> messages,
                             Request after, Function<Applied, T> result) implements Step<T> {}

    private final RedisLink link;
    private final SiteLanes lanes;
    private final Hub hub;
    private final Enricher enricher;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final Presence presence;
    private final SiteChannels channels;
    private final String nodeId;
    private ClusterSweeper sweeper;
    private long renewer = -1;
    private final Script apply = Script.load("apply");
    private final Script snapshot = Script.load("snapshot");
    private final Cache<String, Known> known;
    /** Per visitor, the last queued change on this node; touched only on the site's lane. */
    private final ConcurrentHashMap<String, Future<?>> tails = new ConcurrentHashMap<>();
    /**
     * Sockets whose snapshot is being fetched, with what to send once more when another was asked for
     * meanwhile ({@link #NOTHING_MORE} if none): one fetch at a time per socket keeps snapshots in order.
     */
    private final ConcurrentHashMap<Connection, Consumer<Greeting>> refreshing = new ConcurrentHashMap<>();
    private static final Consumer<Greeting> NOTHING_MORE = g -> { };

    SharedSites(io.vertx.core.Vertx vertx, RedisLink link, SiteLanes lanes, Hub hub, Enricher enricher, TippenMetrics metrics,
                SiteSettings settings, Clock clock, String nodeId, int cachedVisitors) {
        this.link = link;
        this.lanes = lanes;
        this.hub = hub;
        this.enricher = enricher;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.known = Caffeine.newBuilder().maximumSize(cachedVisitors).build();
        this.nodeId = nodeId;
        this.presence = new Presence(link, lanes, hub, nodeId);
        this.channels = new SiteChannels(vertx, link, lanes, this::deliver, this::resync);
    }

    /**
     * Makes the shared sites of this node and starts what runs beside them: the subscriptions, the
     * presence renewals, the cluster-wide sweep, and the recovery after Redis comes back.
     */
    public static SharedSites start(io.vertx.core.Vertx vertx, RedisLink link, SiteLanes lanes, Hub hub, Enricher enricher,
                                    TippenMetrics metrics, SiteSettings settings, Clock clock) {
        String nodeId = "node_" + ApiKeys.randomToken(10);
        SharedSites sites = new SharedSites(vertx, link, lanes, hub, enricher, metrics, settings, clock, nodeId, 100_000);
        sites.sweeper = new ClusterSweeper(vertx, link, sites, metrics, clock, settings.sweepInterval(), settings.visitorTtl(), nodeId);
        sites.channels.start();
        sites.sweeper.start();
        sites.renewer = vertx.setPeriodic(Presence.LAPSE_MILLIS / 3, id -> sites.presence.renew());
        // Redis may have restarted without some of this node's claims; the cached versions may be stale.
        link.onRecovered(() -> {
            sites.known.invalidateAll();
            sites.presence.reclaim();
        });
        link.watch();
        return sites;
    }

    public void stop(io.vertx.core.Vertx vertx) {
        sweeper.stop();
        vertx.cancelTimer(renewer);
        channels.close();
    }

    public String nodeId() {
        return nodeId;
    }

    // ---- changes --------------------------------------------------------------------------------

    @Override
    public Future<Visitor> track(String siteId, VisitorEvent e) {
        SiteKeys keys = new SiteKeys(siteId);
        return inOrder(siteId, e.visitorId(), () -> change(keys, e.visitorId(), true, k -> {
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
            return new Change<>(next, answer ? "del" : "", "", 0, messages, due, applied -> {
                metrics.event(e.type().wire());
                if (next.bot()) metrics.botEvent();
                return next;
            });
        }));
    }

    @Override
    public Future<InviteOutcome> invite(String siteId, String visitorId, String guestUrl) {
        SiteKeys keys = new SiteKeys(siteId);
        return inOrder(siteId, visitorId, () -> change(keys, visitorId, false, k -> {
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
            return new Change<>(next, "put", StoredJson.write(invite), invite.expiresAt(), messages,
                    dueBy(siteId, invite.expiresAt()), applied -> new InviteOutcome(invite, applied.reached()));
        }));
    }

    @Override
    public Future<Visitor> enrich(String siteId, String visitorId, String ip, Enrichment e) {
        SiteKeys keys = new SiteKeys(siteId);
        return inOrder(siteId, visitorId, () -> change(keys, visitorId, false, k -> {
            Visitor v = k.visitor();
            if (v == null || ip == null || !ip.equals(v.ip())) return new Done<>(null);
            Visitor next = v.enriched(e);
            if (next.equals(v)) return new Done<>(v);
            List<String> messages = new ArrayList<>(1);
            if (shown(next)) messages.add(toDashboards(DashboardMessages.visitorUpdate(next, "enriched")));
            else if (shown(v)) messages.add(toDashboards(DashboardMessages.visitorsRemoved(List.of(visitorId), "bot")));
            return new Change<>(next, "", "", 0, messages, null, applied -> next);
        }));
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
        SiteKeys keys = new SiteKeys(siteId);
        return inOrder(siteId, visitorId, () -> change(keys, visitorId, false, k -> {
            Visitor v = k.visitor();
            boolean waiting = v != null && VisitorStatus.VIDEO_INVITED.equals(v.status()) && i.guestUrl().equals(v.guestUrl());
            Visitor next = waiting ? v.inviteExpired() : null;
            List<String> messages = next != null && shown(next)
                    ? List.of(toDashboards(DashboardMessages.visitorUpdate(next, "invite_expired"))) : List.of();
            return new Change<Void>(next, "del-if", i.inviteId(), 0, messages, null, applied -> null);
        })).mapEmpty();
    }

    /** Changes to one visitor on this node run one after another, each once the previous one is answered. */
    private <T> Future<T> inOrder(String siteId, String visitorId, java.util.function.Supplier<Future<T>> work) {
        return lanes.run(siteId, () -> {
            String key = siteId + "\n" + visitorId;
            Future<?> before = tails.get(key);
            Future<T> mine = before == null ? work.get() : before.transform(ar -> lanes.run(siteId, work));
            tails.put(key, mine);
            mine.onComplete(ar -> lanes.execute(siteId, () -> tails.remove(key, mine)));
            return mine;
        });
    }

    private <T> Future<T> change(SiteKeys keys, String visitorId, boolean guessNew, Function<Known, Step<T>> decide) {
        String cacheKey = keys.siteId() + "\n" + visitorId;
        Known k = known.getIfPresent(cacheKey);
        if (k == null && !guessNew) return read(keys, visitorId).compose(fresh -> attempt(keys, visitorId, fresh, decide, 1));
        return attempt(keys, visitorId, k == null ? Known.ABSENT : k, decide, 1);
    }

    private <T> Future<T> attempt(SiteKeys keys, String visitorId, Known k, Function<Known, Step<T>> decide, int n) {
        Step<T> step;
        try {
            step = decide.apply(k);
        } catch (RuntimeException e) {
            // A refusal from a cached view is checked against Redis before it is given.
            if (!k.fresh() && e instanceof SiteRefusal) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.failedFuture(e);
        }
        if (step instanceof Done<T> done) {
            if (!k.fresh()) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.succeededFuture(done.value());
        }
        Change<T> c = (Change<T>) step;
        List<String> args = new ArrayList<>(10 + c.messages().size());
        args.add(keys.channel());
        args.add(visitorId);
        args.add(Long.toString(k.version()));
        args.add(c.next() == null ? "" : stored(c.next()));
        args.add(c.next() == null ? "0" : Long.toString(c.next().lastActivity()));
        args.add(Integer.toString(settings.maxVisitors()));
        args.add(c.inviteOp());
        args.add(c.inviteArg());
        args.add(Long.toString(c.inviteExpiresAt()));
        args.add(Long.toString(clock.millis()));
        args.addAll(c.messages());
        Request[] after = c.after() == null ? new Request[0] : new Request[] {c.after()};
        String siteId = keys.siteId();
        return lanes.backTo(siteId, link.eval(apply, keys.state(), args, after)).compose(replies -> {
            Response r = replies.get(0);
            int status = r.get(0).toInteger();
            if (status == 1) {
                if (c.next() != null) known.put(siteId + "\n" + visitorId, new Known(r.get(1).toLong(), c.next(), false));
                return Future.succeededFuture(c.result().apply(new Applied(r.get(2).toInteger() == 1, r.get(3).toInteger())));
            }
            if (status == -1) {
                return Future.failedFuture(new SiteRefusal(SiteRefusal.Reason.SITE_FULL,
                        "site has " + r.get(1) + " visitors, the most one site may hold"));
            }
            metrics.conflict();
            Known current = parse(r.get(1).toString());
            known.put(siteId + "\n" + visitorId, current.cached());
            if (n >= MAX_ATTEMPTS) {
                return Future.failedFuture(new StoreException("visitor changed by other nodes " + n + " times in a row", true, null));
            }
            return attempt(keys, visitorId, current, decide, n + 1);
        });
    }

    private Future<Known> read(SiteKeys keys, String visitorId) {
        return lanes.backTo(keys.siteId(), link.send(Request.cmd(Command.HGET).arg(keys.key("visitors")).arg(visitorId)))
                .map(r -> {
                    Known k = parse(r == null ? "" : r.toString());
                    known.put(keys.siteId() + "\n" + visitorId, k.cached());
                    return k;
                });
    }

    /** {@code version|flags|json} as stored; flags say live and bot so scripts need not read the JSON. */
    private static String stored(Visitor v) {
        return (v.live() ? "l" : "-") + (v.bot() ? "b" : "-") + "|" + StoredJson.write(v);
    }

    static Known parse(String value) {
        if (value == null || value.isEmpty()) return new Known(0, null, true);
        int a = value.indexOf('|');
        int b = value.indexOf('|', a + 1);
        try {
            return new Known(Long.parseLong(value, 0, a, 10), StoredJson.read(value.substring(b + 1)), true);
        } catch (Exception e) {
            throw new StoreException("unreadable visitor row in Redis: " + e.getMessage(), false, e);
        }
    }

    private static Visitor visitorOf(String row) {
        return parse(row.indexOf('|') < 0 ? "" : "0|" + row.substring(row.indexOf('|') + 1)).visitor();
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

    // ---- sockets --------------------------------------------------------------------------------

    /**
     * The socket is attached and held at once; the site's channel is subscribed (and a visitor socket
     * counted) before the snapshot is read, so every message after the snapshot reaches it, and those
     * the snapshot already reflects are dropped on release.
     */
    @Override
    public Runnable join(Connection c, Consumer<Greeting> greet) {
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

    @Override
    public void refresh(Connection c, Consumer<Greeting> send) {
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
                Visitor v = visitorOf(r.get(i).toString());
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
                    Visitor v = visitorOf(row);
                    if (v != null && shown(v)) live.add(v);
                }
            }
            return DashboardMessages.visitorList(live);
        }));
    }

    /** On the site's lane: messages may have been missed, so every dashboard gets the list afresh. */
    private void resync(String siteId) {
        for (Connection c : hub.dashboards(siteId)) {
            metrics.resync();
            refresh(c, greeting -> c.send(DashboardMessages.visitorList(greeting.liveVisitors())));
        }
    }

    @Override
    public int activeSites() {
        return channels.count();
    }
}
