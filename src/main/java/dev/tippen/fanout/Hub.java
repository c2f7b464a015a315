package dev.tippen.fanout;

import dev.tippen.site.SiteLanes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sockets open on this node, per site. A site's entry is only touched on that site's lane, so
 * delivery iterates plain collections; the map of sites itself is concurrent because lanes share it.
 *
 * <p>A socket may be held while its snapshot is fetched from elsewhere (Redis): messages for it are
 * kept with their sequence numbers, and on release only those newer than the snapshot are sent.
 */
public final class Hub {
    /** A visitor with more tabs than this loses its oldest socket. */
    static final int MAX_SOCKETS_PER_VISITOR = 16;
    /** A held socket whose snapshot takes so long that this many messages wait is told to reconnect. */
    static final int MAX_HELD_MESSAGES = 10_000;

    private record Held(long seq, String json) {}

    private static final class SiteSockets {
        final Set<Connection> dashboards = new LinkedHashSet<>();
        final Map<String, List<Connection>> visitors = new HashMap<>();
        final Map<Connection, ArrayDeque<Held>> held = new HashMap<>();

        boolean empty() {
            return dashboards.isEmpty() && visitors.isEmpty();
        }
    }

    private final SiteLanes lanes;
    private final ConcurrentHashMap<String, SiteSockets> sites = new ConcurrentHashMap<>();

    public Hub(SiteLanes lanes) {
        this.lanes = lanes;
    }

    /** On the site's lane. */
    public void attach(Connection c) {
        SiteSockets s = sites.computeIfAbsent(c.siteId(), k -> new SiteSockets());
        if (c.kind() == Connection.Kind.DASHBOARD) {
            s.dashboards.add(c);
            return;
        }
        List<Connection> tabs = s.visitors.computeIfAbsent(c.visitorId(), k -> new ArrayList<>(1));
        tabs.add(c);
        if (tabs.size() > MAX_SOCKETS_PER_VISITOR) tabs.get(0).close((short) 1008, "too many sockets for one visitor");
    }

    /** On the site's lane. */
    public void detach(Connection c) {
        SiteSockets s = sites.get(c.siteId());
        if (s == null) return;
        s.held.remove(c);
        if (c.kind() == Connection.Kind.DASHBOARD) {
            s.dashboards.remove(c);
        } else {
            List<Connection> tabs = s.visitors.get(c.visitorId());
            if (tabs != null && tabs.remove(c) && tabs.isEmpty()) s.visitors.remove(c.visitorId());
        }
        if (s.empty()) sites.remove(c.siteId());
    }

    /** On the site's lane. Returns the number of sockets written to. */
    public int deliver(String siteId, Outbound message) {
        return deliver(siteId, 0, message);
    }

    /** On the site's lane: a message numbered {@code seq} in its site's stream (0 when unnumbered). */
    public int deliver(String siteId, long seq, Outbound message) {
        SiteSockets s = sites.get(siteId);
        if (s == null) return 0;
        int sent = 0;
        if (message instanceof Outbound.ToDashboards d) {
            if (s.dashboards.isEmpty()) return 0;
            for (Connection c : List.copyOf(s.dashboards)) {
                if (d.cleanupList() && !c.wantsCleanupList()) continue;
                if (send(s, c, seq, d.json())) sent++;
            }
        } else if (message instanceof Outbound.ToVisitor v) {
            List<Connection> tabs = s.visitors.get(v.visitorId());
            if (tabs == null) return 0;
            for (Connection c : List.copyOf(tabs)) if (send(s, c, seq, v.json())) sent++;
        }
        return sent;
    }

    private static boolean send(SiteSockets s, Connection c, long seq, String json) {
        ArrayDeque<Held> waiting = s.held.isEmpty() ? null : s.held.get(c);
        if (waiting == null) return c.send(json);
        if (waiting.size() >= MAX_HELD_MESSAGES) {
            s.held.remove(c);
            c.close((short) 1013, "snapshot took too long; reconnect");
            return false;
        }
        waiting.add(new Held(seq, json));
        return true;
    }

    /** On the site's lane: from now on the socket's messages wait for {@link #release}. */
    public void hold(Connection c) {
        SiteSockets s = sites.get(c.siteId());
        if (s != null) s.held.putIfAbsent(c, new ArrayDeque<>());
    }

    /** On the site's lane: sends what waited and is newer than the snapshot numbered {@code snapshotSeq}. */
    public void release(Connection c, long snapshotSeq) {
        SiteSockets s = sites.get(c.siteId());
        ArrayDeque<Held> waiting = s == null ? null : s.held.remove(c);
        if (waiting == null) return;
        for (Held h : waiting) if (h.seq() > snapshotSeq) c.send(h.json());
    }

    /** On the site's lane: the site's open dashboards. */
    public List<Connection> dashboards(String siteId) {
        SiteSockets s = sites.get(siteId);
        return s == null ? List.of() : List.copyOf(s.dashboards);
    }

    /** On the site's lane: open sockets per visitor. */
    public Map<String, Integer> visitorSockets(String siteId) {
        SiteSockets s = sites.get(siteId);
        if (s == null) return Map.of();
        Map<String, Integer> out = new HashMap<>();
        s.visitors.forEach((id, tabs) -> out.put(id, tabs.size()));
        return out;
    }

    /** From any thread: the sites with sockets on this node right now. */
    public List<String> siteIds() {
        return List.copyOf(sites.keySet());
    }

    /** On the site's lane. */
    public boolean hasSockets(String siteId) {
        return sites.containsKey(siteId);
    }

    /** From any thread: each site's work is handed to its lane. */
    public void forEachConnection(java.util.function.Consumer<Connection> action) {
        for (String siteId : List.copyOf(sites.keySet())) {
            lanes.execute(siteId, () -> {
                SiteSockets s = sites.get(siteId);
                if (s == null) return;
                List<Connection> all = new ArrayList<>(s.dashboards);
                s.visitors.values().forEach(all::addAll);
                all.forEach(action);
            });
        }
    }

    public void closeKeys(Set<String> keyHashes, String reason) {
        forEachConnection(c -> {
            if (keyHashes.contains(c.keyHash())) c.close((short) 1008, reason);
        });
    }
}
