package dev.tippen.socket;

import io.vertx.core.Future;

/**
 * The presence seam: which node holds the sockets of which visitor, so an invite made on any node can
 * say how many of the visitor's sockets it reached. On one node the hub itself knows; with several,
 * each node keeps its count in Redis.
 */
public interface Presence {
    /** On the site's lane: a visitor socket opened here; completes once the count is visible to every node. */
    Future<Void> add(Connection c);

    /**
     * On the site's lane, after the hub let the socket go: a visitor socket closed here. Completes with
     * how many sockets of that visitor are still open on any node (0: the visitor may be leaving).
     */
    Future<Integer> remove(Connection c);
}
