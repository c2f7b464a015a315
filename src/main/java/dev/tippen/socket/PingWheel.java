package dev.tippen.socket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keep-alive pings without visiting every socket every second: each socket sits in one of as many
 * slots as the ping interval has seconds, at a random one, and each tick pings the sockets of one
 * slot only. Sockets opened together (a reconnect storm, a deploy) spread over the interval, so no
 * tick pings them all at once; an idle node does 1/interval of its sockets' work per second.
 */
public final class PingWheel {
    private final Set<Connection>[] slots;
    private int next;

    @SuppressWarnings("unchecked")
    public PingWheel(long intervalMillis) {
        int n = (int) Math.max(1, intervalMillis / 1000);
        slots = new Set[n];
        for (int i = 0; i < n; i++) slots[i] = ConcurrentHashMap.newKeySet();
    }

    /** From any thread. */
    public void add(Connection c) {
        slots[ThreadLocalRandom.current().nextInt(slots.length)].add(c);
    }

    /** From any thread. */
    public void remove(Connection c) {
        for (Set<Connection> s : slots) if (s.remove(c)) return;
    }

    /** Once a second, from the one timer that drives the wheel. */
    public void tick(long now) {
        Set<Connection> slot = slots[next];
        next = (next + 1) % slots.length;
        for (Connection c : slot) c.pingTurn(now);
    }

    public int size() {
        int n = 0;
        for (Set<Connection> s : slots) n += s.size();
        return n;
    }
}
