package dev.tippen.engine.embedded;

import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Presence;
import io.vertx.core.Future;

/** One node: the hub itself knows each visitor's sockets, so there is nothing to tell anyone. */
final class LocalPresence implements Presence {
    private final Hub hub;

    LocalPresence(Hub hub) {
        this.hub = hub;
    }

    @Override
    public Future<Void> add(Connection c) {
        return Future.succeededFuture();
    }

    @Override
    public Future<Integer> remove(Connection c) {
        // The hub's own count dropped when the socket was detached.
        return Future.succeededFuture(hub.visitorSocketCount(c.siteId(), c.visitorId()));
    }

    /** On the site's lane: whether any socket of the site is open here. */
    boolean hasSockets(String siteId) {
        return hub.hasSockets(siteId);
    }

    /** On the site's lane. */
    int count(String siteId, String visitorId) {
        return hub.visitorSocketCount(siteId, visitorId);
    }
}
