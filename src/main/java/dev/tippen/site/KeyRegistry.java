package dev.tippen.site;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The server's in-memory view of the key store, swapped whole on reload so request threads read it
 * without locks. Reloads happen when the store's version moves (another process ran {@code keys}).
 */
public final class KeyRegistry {
    /**
     * One generation of the store. {@code presented} remembers keys as presented that were found, so
     * a known key is hashed once per generation, not once per request; unknown keys are never kept
     * (anyone may present any string), and at most {@link #MAX_PRESENTED} are.
     */
    private record Snapshot(long version, Map<String, ApiKey> byHash, Map<String, Site> sites,
                            Map<String, ConsoleSession> sessions, ConcurrentHashMap<String, ApiKey> presented) {
        Snapshot(long version, Map<String, ApiKey> byHash, Map<String, Site> sites, Map<String, ConsoleSession> sessions) {
            this(version, byHash, sites, sessions, new ConcurrentHashMap<>());
        }
    }

    static final int MAX_PRESENTED = 10_000;

    private final KeyStore store;
    private volatile Snapshot snapshot = new Snapshot(-1, Map.of(), Map.of(), Map.of());
    private volatile Consumer<Set<String>> onSessionsEnded = hashes -> {};
    /** Sessions already reported as expired, so each is reported once. */
    private final Set<String> expiredReported = ConcurrentHashMap.newKeySet();
    private volatile Consumer<Set<String>> onRevoked = hashes -> {};
    /** Sites whose keys are refused on this server, with the reason the caller is given. */
    private final Map<String, String> disabled = new ConcurrentHashMap<>();

    public KeyRegistry(KeyStore store) {
        this.store = store;
        reload();
    }

    /** This server refuses the site's keys, saying why (the demo site without --demo). */
    public void disable(String siteId, String reason) {
        disabled.put(siteId, reason);
    }

    /** Lifts {@link #disable}. */
    public void enable(String siteId) {
        disabled.remove(siteId);
    }

    public boolean known(String siteId) {
        return snapshot.sites().containsKey(siteId);
    }

    /** A site a person opens through their session: granted with no key, refused as its keys would be. */
    public Authentication site(String siteId) {
        Site site = siteId == null ? null : snapshot.sites().get(siteId);
        if (site == null) return new Authentication.Refused(404, "no site '" + siteId + "'");
        String off = disabled.isEmpty() ? null : disabled.get(siteId);
        if (off != null) return new Authentication.Refused(403, off);
        return new Authentication.Granted(site, null);
    }

    /** The sites by id, for listing a person's sites by name. */
    public Site siteOrNull(String siteId) {
        return snapshot.sites().get(siteId);
    }

    /** Called with the hashes of keys revoked since the last reload, so open sockets using them can be closed. */
    public void onRevoked(Consumer<Set<String>> listener) {
        this.onRevoked = listener;
    }

    /** Called with the hashes of console sessions that ended (signed out, expired), so their sockets can be closed. */
    public void onSessionsEnded(Consumer<Set<String>> listener) {
        this.onSessionsEnded = listener;
    }

    /** Reports sessions whose time ran out since the last call; cheap, for a periodic timer. */
    public void expireSessions(long now) {
        Set<String> ended = new HashSet<>();
        for (ConsoleSession cs : snapshot.sessions().values()) {
            if (cs.expired(now) && expiredReported.add(cs.hash())) ended.add(cs.hash());
        }
        if (!ended.isEmpty()) onSessionsEnded.accept(ended);
    }

    /** Blocking: reads the store. Call from a worker, never from an event loop. */
    public boolean reloadIfChanged() {
        if (store.version() == snapshot.version()) return false;
        reload();
        return true;
    }

    private synchronized void reload() {
        long version = store.version();
        Map<String, ApiKey> byHash = new HashMap<>();
        for (ApiKey k : store.keys()) byHash.put(k.hash(), k);
        Map<String, Site> sites = new HashMap<>();
        for (Site s : store.sites()) sites.put(s.siteId(), s);
        Map<String, ConsoleSession> sessions = new HashMap<>();
        for (ConsoleSession cs : store.sessions()) sessions.put(cs.hash(), cs);
        Snapshot old = snapshot;
        snapshot = new Snapshot(version, Map.copyOf(byHash), Map.copyOf(sites), Map.copyOf(sessions));
        expiredReported.retainAll(sessions.keySet());
        Set<String> endedSessions = new HashSet<>(old.sessions().keySet());
        endedSessions.removeAll(sessions.keySet());
        if (!endedSessions.isEmpty()) onSessionsEnded.accept(endedSessions);
        Set<String> newlyRevoked = new HashSet<>();
        for (ApiKey k : byHash.values()) {
            ApiKey before = old.byHash().get(k.hash());
            if (k.revoked() && before != null && !before.revoked()) newlyRevoked.add(k.hash());
        }
        if (!newlyRevoked.isEmpty()) onRevoked.accept(newlyRevoked);
    }

    /** Hashes the key once per store generation: a known key's lookup is a map lookup. */
    public Authentication authenticate(String presentedKey, KeyRole wanted) {
        if (presentedKey == null || presentedKey.isBlank()) return Authentication.MISSING;
        if (presentedKey.length() > 256) return Authentication.UNKNOWN;
        Snapshot s = snapshot;
        ApiKey key = s.presented().get(presentedKey);
        if (key == null) {
            key = s.byHash().get(ApiKeys.hash(presentedKey.trim()));
            if (key == null) return Authentication.UNKNOWN;
            if (s.presented().size() < MAX_PRESENTED) s.presented().put(presentedKey, key);
        }
        if (key.revoked()) return Authentication.REVOKED;
        if (!key.role().allows(wanted)) return wrongRole(wanted);
        Site site = s.sites().get(key.siteId());
        if (site == null) return Authentication.UNKNOWN;
        String off = disabled.isEmpty() ? null : disabled.get(site.siteId());
        if (off != null) return new Authentication.Refused(403, off);
        return new Authentication.Granted(site, key);
    }

    /**
     * A console session's cookie token: valid while the session is open and the secret key it was
     * opened with is still the site's (revoking or rotating the key ends it at the next reload).
     */
    public Authentication authenticateSession(String token, long now) {
        if (token == null || token.isBlank() || token.length() > 256) return Authentication.MISSING;
        Snapshot s = snapshot;
        ConsoleSession cs = s.sessions().get(ApiKeys.hash(token.trim()));
        if (cs == null || cs.expired(now)) return SESSION_ENDED;
        ApiKey key = s.byHash().get(cs.keyHash());
        if (key == null || key.revoked()) return SESSION_ENDED;
        Site site = s.sites().get(cs.siteId());
        if (site == null) return SESSION_ENDED;
        String off = disabled.isEmpty() ? null : disabled.get(site.siteId());
        if (off != null) return new Authentication.Refused(403, off);
        return new Authentication.Granted(site, key);
    }

    static final Authentication.Refused SESSION_ENDED = new Authentication.Refused(401, "the console session has ended; sign in again");

    private static Authentication.Refused wrongRole(KeyRole wanted) {
        return wanted == KeyRole.SECRET
                ? new Authentication.Refused(403, "this is a public key; the dashboard and invites need the site's secret key")
                : new Authentication.Refused(403, "this is a secret key; web pages must use the site's public key");
    }
}
