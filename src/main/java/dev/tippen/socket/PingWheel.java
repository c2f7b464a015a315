package dev.tippen.socket;

import dev.tippen.site.SiteLanes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keep-alive pings without visiting every socket every second: each socket sits in one of as many
 * slots as the ping interval has seconds, at a random one, and each tick pings the sockets of one
 * slot only. Sockets opened together (a reconnect storm, a deploy) spread over the interval, so no
 * tick pings them all at once; an idle node does 1/interval of its sockets' work per second. Slots
 * are kept per event loop, and each loop pings its own sockets in one task of its own, so a ping is
 * written by the thread that owns the socket instead of being handed to it. The turn also ends the
 * sockets that have gone quiet, so no socket needs a read timer of its own.
 */
public final class PingWheel {
    private final SiteLanes lanes;
    private final Set<Connection>[][] slots;
    /** A socket that sends no frame for three turns (pongs included) is dead or half-open. */
    private final long readTimeoutMillis;
    private int next;

    @SuppressWarnings("unchecked")
    public PingWheel(SiteLanes lanes, long intervalMillis) {
        this.lanes = lanes;
        int n = (int) Math.max(1, intervalMillis / 1000);
        int loops = lanes.count() + 1; // the last: sockets opened off the lanes, pinged from the ticking thread
        slots = new Set[loops][n];
        readTimeoutMillis = 3 * Math.max(intervalMillis, n * 1000L);
        for (Set<Connection>[] loop : slots) for (int i = 0; i < n; i++) loop[i] = ConcurrentHashMap.newKeySet();
    }

    /** On the socket's own event loop, as it opens. */
    public void add(Connection c) {
        int loop = lanes.current();
        c.pingSlot(loop < 0 ? slots.length - 1 : loop, ThreadLocalRandom.current().nextInt(slots[0].length));
        slots[c.pingLoop()][c.pingSlot()].add(c);
    }

    /** From any thread. */
    public void remove(Connection c) {
        slots[c.pingLoop()][c.pingSlot()].remove(c);
    }

    /** Once a second, from the one timer that drives the wheel. */
    public void tick(long now) {
        int slot = next;
        next = (next + 1) % slots[0].length;
        for (int loop = 0; loop < slots.length - 1; loop++) {
            Set<Connection> due = slots[loop][slot];
            if (!due.isEmpty()) lanes.executeOn(loop, () -> ping(due, now));
        }
        ping(slots[slots.length - 1][slot], now);
    }

    private void ping(Set<Connection> due, long now) {
        for (Connection c : due) c.pingTurn(now, readTimeoutMillis);
    }

    public int size() {
        int n = 0;
        for (Set<Connection>[] loop : slots) for (Set<Connection> s : loop) n += s.size();
        return n;
    }
}
