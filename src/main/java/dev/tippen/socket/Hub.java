package dev.tippen.socket;

import dev.tippen.site.SiteLanes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sockets open on this node, per site: who is connected, nothing about what they say. A site's
 * entry is only touched on that site's lane, so delivery iterates plain collections; the map of
 * sites itself is concurrent because lanes share it. Delivery iterates the live sets without copying
 * them: a socket closed while being written to leaves its set later, from its close handler, which
 * always runs as a task of its own.
 *
 * <p>A socket may be held while its snapshot is fetched (from Redis) or while a long message is
 * being streamed to it: messages for it wait with their sequence numbers, and on release only those
 * newer than the snapshot are sent.
 */
public final class Hub {
    /** A visitor with more tabs than this loses its oldest socket. */
    static final int MAX_SOCKETS_PER_VISITOR = 16;
    /** A held socket whose snapshot takes so long that this many messages wait is told to reconnect. */
    static final int MAX_HELD_MESSAGES = 10_000;

    private record Held(long seq, Text text, boolean stateUpdate) {}

    private static final class SiteSockets {
        final Set<Connection> dashboards = new LinkedHashSet<>();
        final Map<String, List<Connection>> visitors = new HashMap<>();
        /** Call sockets: held here only so that closing a key, a session or a site closes them too. */
        final Set<Connection> calls = new LinkedHashSet<>();
        final Map<Connection, ArrayDeque<Held>> held = new HashMap<>();

        boolean empty() {
            return dashboards.isEmpty() && visitors.isEmpty() && calls.isEmpty();
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
        if (c.kind() == Connection.Kind.CALL) {
            s.calls.add(c);
            return;
        }
        List<Connection> tabs = s.visitors.computeIfAbsent(c.visitorId(), k -> new ArrayList<>(1));
        tabs.add(c);
        if (tabs.size() > MAX_SOCKETS_PER_VISITOR) displaced(tabs, c).close((short) 1008, "too many sockets for one visitor");
    }

    /**
     * Which tab gives way when a visitor has too many: the oldest without the visitor's token; only a
     * socket with the token may displace one that has it, so knowing a visitor's id is not enough to
     * take over its tabs.
     */
    private static Connection displaced(List<Connection> tabs, Connection arriving) {
        for (Connection t : tabs) if (!t.bound()) return t;
        return arriving.bound() ? tabs.get(0) : arriving;
    }

    /** On the site's lane. */
    public void detach(Connection c) {
        SiteSockets s = sites.get(c.siteId());
        if (s == null) return;
        s.held.remove(c);
        if (c.kind() == Connection.Kind.DASHBOARD) {
            s.dashboards.remove(c);
        } else if (c.kind() == Connection.Kind.CALL) {
            s.calls.remove(c);
        } else {
            List<Connection> tabs = s.visitors.get(c.visitorId());
            if (tabs != null && tabs.remove(c) && tabs.isEmpty()) s.visitors.remove(c.visitorId());
        }
        if (s.empty()) sites.remove(c.siteId());
    }

    /** Which dashboards a message is for. */
    public enum Audience {
        EVERY,
        /** Those that understand VISITOR_REMOVED (and a visitor's status "left"). */
        REMOVAL_AWARE,
        /** The original's kind, that learn of departures from a full list, and want it after a cleanup. */
        LIST_READERS
    }

    /**
     * On the site's lane: a message numbered {@code seq} in its site's stream to its audience, in the
     * form each dashboard takes ({@code text}: made once per form, see {@link Forms}). A
     * {@code stateUpdate} (a visitor's state, a removal, a list) may be left out for a dashboard that
     * has fallen behind, which gets a fresh list instead once it catches up ({@link Connection#sendUpdate}).
     * Returns how many got it.
     */
    public int toDashboards(String siteId, long seq, Function<Connection, Text> text, Audience audience, boolean stateUpdate) {
        SiteSockets s = sites.get(siteId);
        if (s == null || s.dashboards.isEmpty()) return 0;
        int sent = 0;
        for (Connection c : s.dashboards) {
            if (audience == Audience.REMOVAL_AWARE && !c.removals()) continue;
            if (audience == Audience.LIST_READERS && (c.removals() || !c.wantsCleanupList())) continue;
            if (send(s, c, seq, text.apply(c), stateUpdate)) sent++;
        }
        return sent;
    }

    /** A message in the two forms dashboards take, with trails and without, each encoded at most once. */
    public static final class Forms implements Function<Connection, Text> {
        private final Function<Boolean, Text> encode;
        private Text withTrails;
        private Text withoutTrails;

        /** {@code encode}: the message's JSON, with the visitors' trails or without. Used on the site's lane only. */
        public Forms(Function<Boolean, Text> encode) {
            this.encode = encode;
        }

        @Override
        public Text apply(Connection c) {
            if (c.trails()) return withTrails != null ? withTrails : (withTrails = encode.apply(true));
            return withoutTrails != null ? withoutTrails : (withoutTrails = encode.apply(false));
        }
    }

    /** On the site's lane: whether the site has dashboards here that learn of departures from lists. */
    public boolean hasListReaders(String siteId) {
        SiteSockets s = sites.get(siteId);
        if (s == null) return false;
        for (Connection c : s.dashboards) if (!c.removals()) return true;
        return false;
    }

    /**
     * On the site's lane: a message to the sockets of one visitor, and nobody else. When any of them
     * presented the visitor's token, only those do: a socket opened with the id alone hears nothing.
     */
    public int toVisitor(String siteId, long seq, String visitorId, Text text) {
        SiteSockets s = sites.get(siteId);
        List<Connection> tabs = s == null ? null : s.visitors.get(visitorId);
        if (tabs == null) return 0;
        boolean anyBound = false;
        for (Connection c : tabs) anyBound |= c.bound();
        int sent = 0;
        for (Connection c : tabs) if ((!anyBound || c.bound()) && send(s, c, seq, text, false)) sent++;
        return sent;
    }

    private static boolean send(SiteSockets s, Connection c, long seq, Text text, boolean stateUpdate) {
        ArrayDeque<Held> waiting = s.held.isEmpty() ? null : s.held.get(c);
        if (waiting == null) return stateUpdate ? c.sendUpdate(text) : c.send(text);
        if (waiting.size() >= MAX_HELD_MESSAGES) {
            s.held.remove(c);
            c.close((short) 1013, "snapshot took too long; reconnect");
            return false;
        }
        waiting.add(new Held(seq, text, stateUpdate));
        return true;
    }

    /**
     * On the site's lane: a reply to one socket (a PONG, an ERROR), in order with what is being
     * streamed to it: if the socket is held, the reply waits and is sent on release whatever the snapshot.
     */
    public void reply(Connection c, Text text) {
        SiteSockets s = sites.get(c.siteId());
        if (s == null) return;
        send(s, c, Long.MAX_VALUE, text, false);
    }

    /** On the site's lane: whether the site has dashboards here (so a change is worth encoding for them). */
    public boolean hasDashboards(String siteId) {
        SiteSockets s = sites.get(siteId);
        return s != null && !s.dashboards.isEmpty();
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
        for (Held h : waiting) {
            if (h.seq() <= snapshotSeq) continue;
            if (h.stateUpdate()) c.sendUpdate(h.text());
            else c.send(h.text());
        }
    }

    /** On the site's lane: the site's open dashboards, as a copy. */
    public List<Connection> dashboards(String siteId) {
        SiteSockets s = sites.get(siteId);
        return s == null ? List.of() : List.copyOf(s.dashboards);
    }

    /** On the site's lane: whether one of the visitor's sockets here presented its token. */
    public boolean hasBoundVisitorSocket(String siteId, String visitorId) {
        SiteSockets s = sites.get(siteId);
        List<Connection> tabs = s == null ? null : s.visitors.get(visitorId);
        if (tabs == null) return false;
        for (Connection c : tabs) if (c.bound()) return true;
        return false;
    }

    /** On the site's lane: how many sockets one visitor has open here. */
    public int visitorSocketCount(String siteId, String visitorId) {
        SiteSockets s = sites.get(siteId);
        List<Connection> tabs = s == null ? null : s.visitors.get(visitorId);
        return tabs == null ? 0 : tabs.size();
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

    /** On the site's lane: whether the site has dashboards or visitor sockets here (call sockets hear no changes). */
    public boolean hasSockets(String siteId) {
        SiteSockets s = sites.get(siteId);
        return s != null && (!s.dashboards.isEmpty() || !s.visitors.isEmpty());
    }

    /** From any thread: each site's work is handed to its lane. */
    public void forEachConnection(Consumer<Connection> action) {
        for (String siteId : List.copyOf(sites.keySet())) {
            lanes.execute(siteId, () -> {
                SiteSockets s = sites.get(siteId);
                if (s == null) return;
                List<Connection> all = new ArrayList<>(s.dashboards);
                s.visitors.values().forEach(all::addAll);
                all.addAll(s.calls);
                all.forEach(action);
            });
        }
    }

    /** Closes every socket here; completes once each has closed (a peer that never answers: never). */
    public io.vertx.core.Future<Void> closeAll(short code, String reason) {
        List<io.vertx.core.Future<Void>> sites = new ArrayList<>();
        for (String siteId : List.copyOf(this.sites.keySet())) {
            sites.add(lanes.run(siteId, () -> {
                SiteSockets s = this.sites.get(siteId);
                if (s == null) return io.vertx.core.Future.<Void>succeededFuture();
                List<io.vertx.core.Future<Void>> closing = new ArrayList<>();
                s.dashboards.forEach(c -> closing.add(c.closing(code, reason)));
                s.visitors.values().forEach(tabs -> tabs.forEach(c -> closing.add(c.closing(code, reason))));
                s.calls.forEach(c -> closing.add(c.closing(code, reason)));
                return io.vertx.core.Future.join(closing).mapEmpty();
            }));
        }
        return io.vertx.core.Future.join(sites).mapEmpty();
    }

    /** Closes every socket opened with one of these keys (revoked). */
    public void closeKeys(Set<String> keyHashes, String reason) {
        forEachConnection(c -> {
            if (keyHashes.contains(c.keyHash())) c.close((short) 1008, reason);
        });
    }

    /** Closes every socket of a site, dashboards and visitors (the site was suspended). */
    public void closeSite(String siteId, String reason) {
        forEachConnection(c -> {
            if (siteId.equals(c.siteId())) c.close((short) 1008, reason);
        });
    }

    /** Closes every socket opened by one of these console sessions (signed out, expired). */
    public void closeSessions(Set<String> sessionIds, String reason) {
        forEachConnection(c -> {
            if (c.sessionId() != null && sessionIds.contains(c.sessionId())) c.close((short) 1008, reason);
        });
    }
}
