package dev.tippen.fanout;

import dev.tippen.site.SiteLanes;
import io.vertx.core.Future;

/** One node: a publication goes straight to this node's hub, on the site's lane. */
public final class LocalBroker implements Broker {
    private final SiteLanes lanes;
    private final Hub hub;

    public LocalBroker(SiteLanes lanes, Hub hub) {
        this.lanes = lanes;
        this.hub = hub;
    }

    @Override
    public Future<Integer> publish(String siteId, Outbound message) {
        return lanes.run(siteId, () -> Future.succeededFuture(hub.deliver(siteId, message)));
    }
}
