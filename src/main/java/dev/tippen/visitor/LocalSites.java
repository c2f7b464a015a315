package dev.tippen.visitor;

import dev.tippen.enrich.Enricher;
import dev.tippen.enrich.Enrichment;
import dev.tippen.fanout.Broker;
import dev.tippen.fanout.Connection;
import dev.tippen.fanout.Hub;
import dev.tippen.invite.PendingInvite;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.VisitorStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One node's sites, held in memory and made durable in SQLite: the registry of site coordinators. A coordinator is made on first use and dropped when its site has
 * no visitors, invites or sockets left, so an idle site costs nothing. A coordinator is only created,
 * used and dropped on its site's lane; that is what makes dropping it safe.
 */
public final class LocalSites implements Sites {
    private final Vertx vertx;
    private final SiteLanes lanes;
    private final VisitorStore store;
    private final Broker broker;
    private final Enricher enricher;
    private final Hub hub;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final ConcurrentHashMap<String, SiteCoordinator> coordinators = new ConcurrentHashMap<>();

    public LocalSites(Vertx vertx, SiteLanes lanes, VisitorStore store, Broker broker, Enricher enricher, Hub hub,
                 TippenMetrics metrics, SiteSettings settings, Clock clock) {
        this.enricher = enricher;
        this.vertx = vertx;
        this.lanes = lanes;
        this.store = store;
        this.broker = broker;
        this.hub = hub;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public Future<Visitor> track(String siteId, VisitorEvent e) {
        return call(siteId, site -> site.track(e));
    }

    @Override
    public Future<InviteOutcome> invite(String siteId, String visitorId, String guestUrl) {
        return call(siteId, site -> site.invite(visitorId, guestUrl));
    }

    @Override
    public Future<Visitor> enrich(String siteId, String visitorId, String ip, Enrichment e) {
        return call(siteId, site -> site.enrich(visitorId, ip, e));
    }

    /** Runs {@code work} with the site's coordinator, on the site's lane. */
    private <T> Future<T> call(String siteId, Function<SiteCoordinator, Future<T>> work) {
        return lanes.run(siteId, () -> work.apply(coordinator(siteId)));
    }

    /** Attaching and greeting are one lane task, so no update can come between them. */
    @Override
    public Runnable join(Connection c, Consumer<Greeting> greet) {
        String siteId = c.siteId();
        call(siteId, site -> {
            hub.attach(c);
            greet.accept(greeting(site, c));
            return Future.succeededFuture();
        });
        return () -> lanes.execute(siteId, () -> {
            hub.detach(c);
            releaseIfIdle(siteId);
        });
    }

    @Override
    public void refresh(Connection c, Consumer<Greeting> send) {
        call(c.siteId(), site -> {
            send.accept(greeting(site, c));
            return Future.succeededFuture();
        });
    }

    private static Greeting greeting(SiteCoordinator site, Connection c) {
        return c.kind() == Connection.Kind.DASHBOARD
                ? new Greeting(site.liveVisitors(), null)
                : new Greeting(List.of(), site.pendingInvite(c.visitorId()).orElse(null));
    }

    /** On the site's lane: drops the coordinator if nothing is left in it. */
    public void releaseIfIdle(String siteId) {
        SiteCoordinator c = coordinators.get(siteId);
        if (c != null && c.idle() && !hub.hasSockets(siteId)) coordinators.remove(siteId, c);
    }

    /** Loads what the store kept into the coordinators; completes once every site is back. */
    public Future<Void> restore(VisitorStore.Restored restored) {
        Set<String> siteIds = new HashSet<>(restored.visitors().keySet());
        siteIds.addAll(restored.invites().keySet());
        List<Future<Void>> done = new ArrayList<>();
        for (String siteId : siteIds) {
            List<Visitor> vs = restored.visitors().getOrDefault(siteId, List.of());
            List<PendingInvite> is = restored.invites().getOrDefault(siteId, List.of());
            done.add(call(siteId, c -> {
                c.restore(vs, is);
                return Future.succeededFuture();
            }));
        }
        return Future.all(done).mapEmpty();
    }

    @Override
    public int activeSites() {
        return coordinators.size();
    }

    private SiteCoordinator coordinator(String siteId) {
        SiteCoordinator c = coordinators.get(siteId);
        if (c == null) {
            c = new SiteCoordinator(siteId, vertx, lanes, store, broker, enricher, metrics, settings, clock,
                    () -> releaseIfIdle(siteId));
            coordinators.put(siteId, c);
        }
        return c;
    }
}
