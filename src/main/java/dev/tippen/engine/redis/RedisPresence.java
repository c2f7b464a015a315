package dev.tippen.engine.redis;

import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Connection;
import dev.tippen.socket.Hub;
import dev.tippen.socket.Presence;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which node holds sockets of which visitor, so an invite posted to any node can say how many of the
 * visitor's sockets it reached. Each node counts its own sockets per visitor in the site's
 * {@code sockets} hash and renews its claim in {@code nodes}; a node that stops renewing (killed) is
 * no longer counted once its claim lapses, and the sweep later deletes its counts.
 */
final class RedisPresence implements Presence {
    static final long LAPSE_MILLIS = 30_000;

    private final RedisLink link;
    private final SiteLanes lanes;
    private final Hub hub;
    private final String nodeId;
    private final Script drop = Script.load("presence_drop");
    private final Script claim = Script.load("presence_claim");
    /** The pending count of each socket, so its decrement never overtakes it. */
    private final ConcurrentHashMap<Connection, Future<?>> added = new ConcurrentHashMap<>();

    RedisPresence(RedisLink link, SiteLanes lanes, Hub hub, String nodeId) {
        this.link = link;
        this.lanes = lanes;
        this.hub = hub;
        this.nodeId = nodeId;
    }

    /** Counts a visitor socket; completes once Redis has it, so an invite right after is counted. */
    @Override
    public Future<Void> add(Connection c) {
        SiteKeys keys = new SiteKeys(c.siteId());
        Future<Void> done = link.batch(List.of(
                Request.cmd(Command.HINCRBY).arg(keys.key("sockets")).arg(field(c.visitorId())).arg(1),
                Request.cmd(Command.HSET).arg(keys.key("nodes")).arg(nodeId).arg(lapse()))).mapEmpty();
        added.put(c, done);
        return done;
    }

    @Override
    public Future<Integer> remove(Connection c) {
        Future<?> before = added.remove(c);
        // Never counted (Redis was away): what this node knows is all there is to say.
        int here = hub.visitorSocketCount(c.siteId(), c.visitorId());
        if (before == null) return Future.succeededFuture(here);
        SiteKeys keys = new SiteKeys(c.siteId());
        // Only a count that was made is taken back; one lost to an outage is rewritten by reclaim().
        return before.transform(added -> added.failed() ? Future.succeededFuture(here)
                : link.eval(drop, List.of(keys.key("sockets"), keys.key("nodes")),
                        List.of(field(c.visitorId()), c.visitorId(), Long.toString(System.currentTimeMillis())))
                        .map(left -> left == null ? 0 : left.toInteger()));
    }

    /** Every few seconds: this node is still there for each site where it holds visitor sockets. */
    void renew() {
        String until = lapse();
        for (String siteId : hub.siteIds()) {
            lanes.execute(siteId, () -> {
                if (!hub.visitorSockets(siteId).isEmpty()) {
                    link.send(Request.cmd(Command.HSET).arg(new SiteKeys(siteId).key("nodes")).arg(nodeId).arg(until));
                }
            });
        }
    }

    /** After Redis came back: writes this node's whole count for every site, replacing what was there. */
    void reclaim() {
        for (String siteId : hub.siteIds()) lanes.execute(siteId, () -> reclaim(siteId));
    }

    /** On the site's lane: this node's whole count for one site, replacing what Redis holds for it. */
    void reclaim(String siteId) {
        Map<String, Integer> counts = hub.visitorSockets(siteId);
        SiteKeys keys = new SiteKeys(siteId);
        List<String> args = new ArrayList<>(2 + counts.size() * 2);
        args.add(nodeId);
        args.add(lapse());
        counts.forEach((visitorId, n) -> {
            args.add(visitorId);
            args.add(Integer.toString(n));
        });
        link.eval(claim, List.of(keys.key("sockets"), keys.key("nodes")), args);
    }

    private String field(String visitorId) {
        return nodeId + "|" + visitorId;
    }

    private static String lapse() {
        return Long.toString(System.currentTimeMillis() + LAPSE_MILLIS);
    }
}
