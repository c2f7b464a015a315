package dev.tippen.engine.embedded;

import dev.tippen.stream.Broker;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.SiteChange;
import io.vertx.core.Future;

/** One node: a committed change goes straight to this node's stream, on the site's lane. */
final class MemoryBroker implements Broker {
    private final ChangeListener stream;

    MemoryBroker(ChangeListener stream) {
        this.stream = stream;
    }

    /** On the site's lane, once the change is durable. */
    void publish(SiteChange change) {
        stream.onChange(change);
    }

    @Override
    public Future<Void> listen(String siteId) {
        return Future.succeededFuture();
    }

    @Override
    public void unlisten(String siteId) {
        // Every change of every site reaches this node's stream anyway.
    }
}
