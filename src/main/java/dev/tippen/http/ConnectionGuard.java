package dev.tippen.http;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one TCP connection may hold before it has said anything, checked at accept and before a
 * request is routed:
 * <ul>
 *   <li>an address (or IPv6 network) holds at most {@code perAddress} open connections; past it a
 *   new one is closed at once. Trusted proxies carry many clients and are not counted;</li>
 *   <li>a connection sends its request line and headers within {@code headerTimeoutMillis} of
 *   opening, and (HTTP/1.1) its next request within it of its last answer (slowloris); a socket
 *   upgrade or HTTP/2 ends the deadline for good;</li>
 *   <li>the last {@link #reserve} descriptors are kept for the operators' and the team's own routes:
 *   past {@code general} open connections, a tracking request or a visitor socket is answered 503
 *   and its connection closed, while /healthz, /readyz, /metrics, the console, the API and
 *   dashboards are served.</li>
 * </ul>
 */
public final class ConnectionGuard {
    /** Descriptors the process needs besides connections: databases, logs, IP data, the JVM's own. */
    static final int FILES = 256;

    private final Vertx vertx;
    private final ClientAddress clientAddress;
    private final TippenMetrics metrics;
    private final CountsPerKey perAddress;
    private final long headerTimeoutMillis;
    private final int general;
    private final int reserve;
    private final AtomicInteger open = new AtomicInteger();
    /** Each open HTTP connection's slot; an upgraded one leaves the map and is held by its socket. */
    private final Map<HttpConnection, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> reservedPrefixes;

    public ConnectionGuard(Vertx vertx, ClientAddress clientAddress, TippenMetrics metrics, int perAddress, long headerTimeoutMillis,
                           long descriptorLimit, Set<String> reservedPrefixes) {
        this.vertx = vertx;
        this.clientAddress = clientAddress;
        this.metrics = metrics;
        this.perAddress = new CountsPerKey(perAddress);
        this.headerTimeoutMillis = headerTimeoutMillis;
        long usable = Math.max(64, descriptorLimit - FILES);
        // A fortieth: enough for operators and dashboards, while a 20,000-descriptor limit still takes 19,000 visitor sockets.
        this.reserve = (int) Math.max(32, Math.min(1_000, usable / 40));
        this.general = (int) Math.min(Integer.MAX_VALUE, usable - reserve);
        this.reservedPrefixes = Set.copyOf(reservedPrefixes);
        metrics.gauge("tippen_open_connections", "Open TCP connections (HTTP and upgraded sockets)", open::get);
    }

    /** The process's descriptor limit, where the platform tells it (else a conservative guess). */
    public static long descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return 4_096;
    }

    /**
     * One accepted connection: the address it counts against and its deadline. The deadline moves
     * with every request, the timer does not: it is armed once and, when it fires early, armed again
     * for what is left, so a keep-alive connection costs no timer per request (measured: setting and
     * cancelling one per request took 2.6 % of a saturated server's CPU, profiled; 0.9 % left).
     */
    private final class Slot {
        /** Null once the connection is upgraded: its socket holds the slot, and must not hold Vert.x's connection too. */
        HttpConnection conn;
        final String key;
        /** Whether a request's headers are awaited, and by when ({@link System#nanoTime}). */
        boolean awaiting;
        long deadline;
        /** The armed timer, or -1. */
        long timer = -1;
        /** Answered with a refusal that closes it: whatever else it sent is not read as a request. */
        volatile boolean condemned;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Slot(HttpConnection conn, String key) {
            this.conn = conn;
            this.key = key;
        }

        synchronized void stopClock() {
            awaiting = false;
        }

        synchronized void startClock() {
            awaiting = true;
            deadline = System.nanoTime() + headerTimeoutMillis * 1_000_000L;
            if (timer < 0) timer = vertx.setTimer(headerTimeoutMillis, this::check);
        }

        /** Ends the deadline for good (the connection is upgraded or gone). */
        synchronized void disarm() {
            awaiting = false;
            if (timer >= 0) vertx.cancelTimer(timer);
            timer = -1;
        }

        private synchronized void check(long id) {
            if (timer != id) return;
            timer = -1;
            if (!awaiting || conn == null) return; // a request is being answered: its answer starts the clock again
            long left = deadline - System.nanoTime();
            if (left > 0) {
                timer = vertx.setTimer(Math.max(1, (left + 999_999) / 1_000_000), this::check);
                return;
            }
            awaiting = false;
            metrics.rateLimited("header_timeout");
            conn.close();
        }

        void release() {
            if (!released.compareAndSet(false, true)) return;
            disarm();
            HttpConnection c = conn;
            if (c != null) slots.remove(c, this);
            open.decrementAndGet();
            if (key != null) perAddress.give(key);
        }
    }

    /** The server's connection handler, on the connection's event loop as it is accepted. */
    public void accepted(HttpConnection conn) {
        String peer = conn.remoteAddress() == null ? null : conn.remoteAddress().hostAddress();
        String key = peer == null || clientAddress.trustedProxy(peer) ? null : clientAddress.limitKey(peer);
        if (key != null && !perAddress.take(key)) {
            metrics.rateLimited("connections_ip");
            conn.close();
            return;
        }
        open.incrementAndGet();
        Slot slot = new Slot(conn, key);
        slots.put(conn, slot);
        slot.startClock();
        // Not called for a connection upgraded to a socket (Vert.x swaps its handler): the socket releases it.
        conn.closeHandler(v -> slot.release());
    }

    /**
     * A request's headers arrived: its connection's deadline stops, and starts again once it is
     * answered. Returns false when the request was refused here (the node is in its reserve).
     */
    public boolean admit(HttpServerRequest request) {
        Slot slot = slots.get(request.connection());
        if (slot != null && slot.condemned) return false;
        if (slot != null) slot.stopClock();
        if (open.get() > general && !reserved(request.path())) {
            condemn(request);
            metrics.rateLimited("connections_reserve");
            request.response().setStatusCode(503).putHeader("Content-Type", "application/json").putHeader("Retry-After", "30")
                    .putHeader("Connection", "close")
                    .end("{\"error\":\"this server is near its connection limit; its last connections are kept for its operators\"}")
                    .onComplete(v -> request.connection().close());
            return false;
        }
        if (slot != null && request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // Once answered, the clock runs for the next request; an upgraded connection has left the map by then.
            // HTTP/2 multiplexes requests on one connection, so it has no "between requests": its idle timeout serves.
            request.response().endHandler(v -> {
                HttpConnection c = slot.conn;
                if (c != null && slots.get(c) == slot) slot.startClock();
            });
        }
        return true;
    }

    /** The request is being refused and its connection closed: later requests on it are never routed. */
    public void condemn(HttpServerRequest request) {
        Slot slot = slots.get(request.connection());
        if (slot != null) slot.condemned = true;
    }

    /** A socket opened on this connection: no header deadline from now on; run the answer when the socket closes. */
    public Runnable upgraded(HttpConnection conn) {
        Slot slot = slots.remove(conn);
        if (slot == null) return () -> { };
        slot.disarm();
        slot.conn = null;
        return slot::release;
    }

    private boolean reserved(String path) {
        if (path == null) return false;
        for (String p : reservedPrefixes) if (path.startsWith(p)) return true;
        return false;
    }

    public int open() {
        return open.get();
    }
}
