package dev.tippen.fanout;

import io.vertx.core.Future;

/**
 * The fan-out seam: how a site's message reaches every socket that should see it, on this node or any
 * other. Publications of one site are delivered in the order they were published.
 */
public interface Broker {
    /** Completes with the number of sockets the message was written to. */
    Future<Integer> publish(String siteId, Outbound message);
}
