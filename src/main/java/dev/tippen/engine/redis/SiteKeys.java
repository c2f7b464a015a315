package dev.tippen.engine.redis;

import java.util.List;

/**
 * Where one site's state lives in Redis. Every key carries the site id as its hash tag, so the whole
 * site maps to one Redis Cluster slot and a script may touch all of it atomically.
 * <ul>
 *   <li>{@code visitors}: hash, visitor id to {@code version|flags|json} (flags: l = live, b = bot)</li>
 *   <li>{@code activity}: sorted set, visitor id by last activity (what expiry reads)</li>
 *   <li>{@code seq}: the number of the site's last published change</li>
 *   <li>{@code settle}: sorted set, visitor id by when its exit's grace ends or its pending invite lapses</li>
 *   <li>{@code sockets}: hash, {@code node|visitor} to that node's open visitor sockets;
 *       {@code nodes}: hash, node to the time its claims lapse</li>
 *   <li>{@code outbox}: stream of the notices the history keeps, until the history has them</li>
 *   <li>{@code events}: the Pub/Sub channel of the site's changes</li>
 * </ul>
 * Two keys are global, and each is used on its own: {@link #DUE} (sites by the time they next need a
 * sweep) and {@link #SWEEP_LEASE}.
 */
record SiteKeys(String siteId) {
    static final String PREFIX = "tippen:";
    static final String DUE = PREFIX + "sweep:due";
    static final String SWEEP_LEASE = PREFIX + "sweep:lease";

    String key(String name) {
        return PREFIX + "{" + siteId + "}:" + name;
    }

    String channel() {
        return key("events");
    }

    /** The keys of apply.lua and sweep.lua, in their order. */
    List<String> state() {
        return List.of(key("visitors"), key("activity"), key("seq"), key("settle"), key("sockets"), key("nodes"),
                key("outbox"));
    }

    /** The site id of a channel name. */
    static String siteOf(String channel) {
        int open = channel.indexOf('{');
        int close = channel.lastIndexOf('}');
        return open < 0 || close < open ? null : channel.substring(open + 1, close);
    }
}
