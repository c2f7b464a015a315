package dev.tippen.visitor;

import dev.tippen.enrich.Enricher;
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
 * The registry of site coordinators. A coordinator is made on first use and dropped when its site has
 * no visitors, invites or sockets left, so an idle site costs nothing. A coordinator is only created,
 * used and dropped on its site's lane; that is what makes dropping it safe.
 */
public final class Sites {
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

    public Sites(Vertx vertx, SiteLanes lanes, VisitorStore store, Broker broker, Enricher enricher, Hub hub,
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

    /** Runs {@code work} with the site's coordinator, on the site's lane. */
    public <T> Future<T> call(String siteId, Function<SiteCoordinator, Future<T>> work) {
        return lanes.run(siteId, () -> work.apply(coordinator(siteId)));
    }

    /**
     * Puts an open socket in its site's hub and greets it, in one lane task, so no update can slip
     * between the greeting (a snapshot) and the stream. Returns what to run when the socket closes.
     */
    public Runnable join(Connection c, Consumer<SiteCoordinator> greet) {
        String siteId = c.siteId();
        call(siteId, site -> {
            hub.attach(c);
            greet.accept(site);
            return Future.succeededFuture();
        });
        return () -> lanes.execute(siteId, () -> {
            hub.detach(c);
            releaseIfIdle(siteId);
        });
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
