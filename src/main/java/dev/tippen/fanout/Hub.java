package dev.tippen.fanout;

import dev.tippen.site.SiteLanes;
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
 */
public final class Hub {
    /** A visitor with more tabs than this loses its oldest socket. */
    static final int MAX_SOCKETS_PER_VISITOR = 16;

    private static final class SiteSockets {
        final Set<Connection> dashboards = new LinkedHashSet<>();
        final Map<String, List<Connection>> visitors = new HashMap<>();

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
        SiteSockets s = sites.get(siteId);
        if (s == null) return 0;
        int sent = 0;
        if (message instanceof Outbound.ToDashboards d) {
            if (s.dashboards.isEmpty()) return 0;
            for (Connection c : List.copyOf(s.dashboards)) {
                if (d.cleanupList() && !c.wantsCleanupList()) continue;
                if (c.send(d.json())) sent++;
            }
        } else if (message instanceof Outbound.ToVisitor v) {
            List<Connection> tabs = s.visitors.get(v.visitorId());
            if (tabs == null) return 0;
            for (Connection c : List.copyOf(tabs)) if (c.send(v.json())) sent++;
        }
        return sent;
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
