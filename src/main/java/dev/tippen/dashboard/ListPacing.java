package dev.tippen.dashboard;

import dev.tippen.socket.Connection;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GET_VISITORS costs the server a whole list for 25 bytes in, so a socket's lists are paced by what
 * they cost: the next may start {@link #MIN_GAP_MILLIS} after the last, or later by the time the
 * last one's bytes take at {@link #BYTES_PER_SECOND} (a 10 MB list: 10 s). A request inside the gap
 * is not refused but answered at its end, and every request in between shares that one list. The
 * last list's size is measured as what the socket was sent from it to the next request.
 */
final class ListPacing {
    static final long MIN_GAP_MILLIS = 2_000;
    static final long BYTES_PER_SECOND = 1 << 20;

    private record Pace(long lastAt, long writtenAt, boolean deferred) {}

    private final Runnable deferred;
    private final Map<Connection, Pace> paces = new ConcurrentHashMap<>();

    /** {@code deferred}: told of each request answered later than asked (counted as a limit). */
    ListPacing(Runnable deferred) {
        this.deferred = deferred;
    }

    /** On the socket's event loop: runs {@code send} now, or once at the end of the gap. */
    void ask(Connection c, Runnable send) {
        long now = System.currentTimeMillis();
        Pace p = paces.get(c);
        long readyAt = p == null ? now : p.lastAt() + gap(c.writtenBytes() - p.writtenAt());
        if (readyAt <= now) {
            paces.put(c, new Pace(now, c.writtenBytes(), false));
            send.run();
            return;
        }
        deferred.run();
        if (p.deferred()) return;
        paces.put(c, new Pace(p.lastAt(), p.writtenAt(), true));
        Vertx.currentContext().owner().setTimer(readyAt - now, id -> {
            if (paces.computeIfPresent(c, (k, v) -> new Pace(System.currentTimeMillis(), c.writtenBytes(), false)) != null) send.run();
        });
    }

    static long gap(long lastListBytes) {
        return Math.max(MIN_GAP_MILLIS, lastListBytes * 1000 / BYTES_PER_SECOND);
    }

    /** The socket closed. */
    void forget(Connection c) {
        paces.remove(c);
    }
}
