package dev.tippen.team;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * This node's view of the team, swapped whole on reload so requests read it without locks or I/O:
 * a session look-up is a map look-up. Reloads happen when the store's version moves, which any
 * node's write does; a removed teammate's sessions are then gone here too, and reported ended.
 */
public final class TeamRegistry {
    /** The most sessions open at once, across everyone; past it, signing in waits for some to end. */
    public static final int MAX_OPEN = 10_000;
    /** The most one person keeps open (browsers, devices); a new one past it ends their oldest. */
    public static final int MAX_PER_USER = 20;

    private record Snapshot(long version, Map<String, User> users, Map<String, User> byEmail, Map<String, Map<String, Role>> roles,
                            Map<String, List<Member>> bySite, Map<String, UserSession> sessions, Map<String, PersonalToken> tokens,
                            Set<String> suspendedSites) {
        static final Snapshot EMPTY = new Snapshot(-1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Set.of());
    }

    /** A session that is good now, and whose it is. */
    public record Signed(UserSession session, User user, Map<String, Role> roles) {}

    private final TeamStore store;
    private final long idleMillis;
    private final long lifetimeMillis;
    private volatile Snapshot snapshot = Snapshot.EMPTY;
    /** When this node last saw each session used; written to the store now and then, never per request. */
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final Set<String> endedReported = ConcurrentHashMap.newKeySet();
    /** What this node last wrote of each session's use (the snapshot is not reloaded for it). */
    private final ConcurrentHashMap<String, Long> flushed = new ConcurrentHashMap<>();
    private volatile Consumer<Set<String>> onSessionsEnded = hashes -> {};
    private volatile Consumer<Set<String>> onSuspensions = sites -> {};

    public TeamRegistry(TeamStore store, Duration idle, Duration lifetime) {
        this.store = store;
        this.idleMillis = idle.toMillis();
        this.lifetimeMillis = lifetime.toMillis();
        reload();
    }

    public TeamStore store() {
        return store;
    }

    public long idleMillis() {
        return idleMillis;
    }

    public long lifetimeMillis() {
        return lifetimeMillis;
    }

    /** Called with the hashes of sessions that ended (signed out, removed, idle, expired), to close their sockets. */
    public void onSessionsEnded(Consumer<Set<String>> listener) {
        this.onSessionsEnded = listener;
    }

    /** Called with every suspended site whenever the set changes (and once at start when it is not empty). */
    public void onSuspensions(Consumer<Set<String>> listener) {
        this.onSuspensions = listener;
        if (!snapshot.suspendedSites().isEmpty()) listener.accept(snapshot.suspendedSites());
    }

    public boolean suspended(String siteId) {
        return snapshot.suspendedSites().contains(siteId);
    }

    /** Blocking: one small read, and a full one only when something changed. */
    public boolean reloadIfChanged() {
        if (store.version() == snapshot.version()) return false;
        reload();
        return true;
    }

    private synchronized void reload() {
        long now = System.currentTimeMillis();
        TeamStore.Contents c = store.load(now);
        Map<String, User> users = new HashMap<>();
        Map<String, User> byEmail = new HashMap<>();
        for (User u : c.users()) {
            users.put(u.userId(), u);
            byEmail.put(u.email(), u);
        }
        Map<String, Map<String, Role>> roles = new HashMap<>();
        Map<String, List<Member>> bySite = new HashMap<>();
        for (Member m : c.members()) {
            roles.computeIfAbsent(m.userId(), k -> new HashMap<>()).put(m.siteId(), m.role());
            bySite.computeIfAbsent(m.siteId(), k -> new ArrayList<>()).add(m);
        }
        roles.replaceAll((k, v) -> Map.copyOf(v));
        bySite.replaceAll((k, v) -> List.copyOf(v));
        Map<String, UserSession> sessions = new HashMap<>();
        for (UserSession s : c.sessions()) sessions.put(s.hash(), s);
        Map<String, PersonalToken> tokens = new HashMap<>();
        for (PersonalToken t : c.tokens()) tokens.put(t.tokenHash(), t);
        Snapshot old = snapshot;
        snapshot = new Snapshot(c.version(), Map.copyOf(users), Map.copyOf(byEmail), Map.copyOf(roles), Map.copyOf(bySite), Map.copyOf(sessions),
                Map.copyOf(tokens), Set.copyOf(c.suspendedSites()));
        if (!old.suspendedSites().equals(snapshot.suspendedSites())) onSuspensions.accept(snapshot.suspendedSites());
        seen.keySet().retainAll(sessions.keySet());
        flushed.keySet().retainAll(sessions.keySet());
        endedReported.retainAll(sessions.keySet());
        Set<String> ended = new HashSet<>(old.sessions().keySet());
        ended.removeAll(sessions.keySet());
        // A revoked token ends like a session: sockets opened with it carry its hash.
        for (String t : old.tokens().keySet()) if (!tokens.containsKey(t)) ended.add(t);
        // So does one whose person lost the site or was suspended.
        for (PersonalToken t : tokens.values()) {
            if (old.tokens().containsKey(t.tokenHash()) && token(t.tokenHash()) == null) ended.add(t.tokenHash());
        }
        if (!ended.isEmpty()) onSessionsEnded.accept(ended);
    }

    /** The session a cookie's token names, if it is still good: open, not idle, its person active. */
    public Signed session(String tokenHash, long now) {
        Snapshot s = snapshot;
        UserSession us = s.sessions().get(tokenHash);
        if (us == null || !alive(us, now)) return null;
        User u = s.users().get(us.userId());
        if (u == null || u.suspended()) return null;
        return new Signed(us, u, s.roles().getOrDefault(u.userId(), Map.of()));
    }

    private boolean alive(UserSession us, long now) {
        if (now >= us.expiresAt()) return false;
        long last = Math.max(us.lastSeenAt(), seen.getOrDefault(us.hash(), 0L));
        return now - last < idleMillis;
    }

    /** A token that is good now, its person, and the role it acts with: its own, or less if theirs fell since. */
    public record Tokened(PersonalToken token, User user, Role role) {}

    public Tokened token(String tokenHash) {
        Snapshot s = snapshot;
        PersonalToken t = s.tokens().get(tokenHash);
        if (t == null) return null;
        User u = s.users().get(t.userId());
        if (u == null || u.suspended()) return null;
        Role now = s.roles().getOrDefault(u.userId(), Map.of()).get(t.siteId());
        if (now == null) return null;
        return new Tokened(t, u, now.atLeast(t.role()) ? t.role() : now);
    }

    /** A person's live tokens on a site (or everyone's, for {@code userId} null). */
    public List<PersonalToken> tokens(String siteId, String userId) {
        return snapshot.tokens().values().stream().filter(t -> t.siteId().equals(siteId) && (userId == null || t.userId().equals(userId)))
                .sorted(java.util.Comparator.comparingLong(PersonalToken::createdAt)).toList();
    }

    /** A request or socket message used the session: it is not idle. */
    public void seen(String tokenHash, long now) {
        if (snapshot.sessions().containsKey(tokenHash)) seen.put(tokenHash, now);
    }

    /**
     * Blocking, now and then: tells the store when sessions were last used here (so other nodes'
     * idle clocks agree), and ends those that went idle or ran out, reporting each once.
     */
    public void upkeep(long now) {
        Snapshot s = snapshot;
        Map<String, Long> touched = new HashMap<>();
        for (var e : seen.entrySet()) {
            UserSession us = s.sessions().get(e.getKey());
            // Only what moved by 20 s or more: a few writes a minute per open console, and every node
            // can tell who is online within half a minute.
            if (us != null && e.getValue() - Math.max(us.lastSeenAt(), flushed.getOrDefault(e.getKey(), 0L)) >= 20_000) {
                touched.put(e.getKey(), e.getValue());
            }
        }
        Set<String> ended = new HashSet<>();
        for (UserSession us : s.sessions().values()) {
            if (!alive(us, now) && endedReported.add(us.hash())) ended.add(us.hash());
        }
        if (!ended.isEmpty()) {
            onSessionsEnded.accept(ended);
            store.endSessions(ended);
        }
        if (!touched.isEmpty()) {
            store.touch(touched);
            flushed.putAll(touched);
        }
    }

    public User user(String userId) {
        return snapshot.users().get(userId);
    }

    public User byEmail(String email) {
        return email == null ? null : snapshot.byEmail().get(normalEmail(email));
    }

    public Map<String, Role> roles(String userId) {
        return snapshot.roles().getOrDefault(userId, Map.of());
    }

    public List<Member> members(String siteId) {
        return snapshot.bySite().getOrDefault(siteId, List.of());
    }

    /** True once anyone belongs to the site: from then on it is opened by people, not by its secret key. */
    public boolean hasTeam(String siteId) {
        return snapshot.bySite().containsKey(siteId);
    }

    /** Sessions of a person, for "who is online". */
    public List<UserSession> sessionsOf(String userId, long now) {
        return snapshot.sessions().values().stream().filter(s -> s.userId().equals(userId) && alive(s, now)).toList();
    }

    /** Blocking: when each member of a site last used any console, as the store has it from every node. */
    public Map<String, Long> lastSeenOnAnyNode(String siteId) {
        Map<String, Long> out = new HashMap<>(store.lastSeenBySite(siteId));
        for (var e : seen.entrySet()) {
            UserSession us = snapshot.sessions().get(e.getKey());
            if (us != null) out.merge(us.userId(), e.getValue(), Math::max);
        }
        return out;
    }

    /** When a session was last used, as far as this node knows. */
    public long lastSeen(UserSession us) {
        return Math.max(us.lastSeenAt(), seen.getOrDefault(us.hash(), 0L));
    }

    public static String normalEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
