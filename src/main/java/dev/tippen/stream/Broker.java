package dev.tippen.stream;

import io.vertx.core.Future;

/**
 * The broker seam: how a site's committed changes reach this node's change stream, wherever they
 * were committed. In memory on one node; through Redis Pub/Sub with several. A node listens to a
 * site only while it has a socket of that site.
 */
public interface Broker {
    /**
     * On the site's lane: from now on the site's changes reach this node's stream. Completes once no
     * change committed after it can be missed.
     */
    Future<Void> listen(String siteId);

    /** On the site's lane, once the site's last socket here closed. */
    void unlisten(String siteId);
}
