package dev.tippen.socket;

import dev.tippen.config.RateLimit;
import dev.tippen.http.ApiError;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.ConnectionGuard;
import dev.tippen.http.CountsPerKey;
import dev.tippen.http.RateLimits;
import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The shared part of opening a socket: refuse plain GETs with JSON, hold the node's socket budget,
 * the site's share of it and the address's limits, upgrade ({@link SocketHandshake}: the connection
 * leaves Vert.x for Netty), size the write queue, bound the control frames, and count the socket in
 * /metrics and on the ping wheel for as long as it is open. Keys are checked by the caller first, so
 * a bad key is refused before the upgrade. Upgrades come straight from the server's request handler,
 * not through the router, so nothing of the routing is kept alive for the socket's life.
 */
public final class SocketUpgrade {
    private final TippenMetrics metrics;
    private final int writeQueueBytes;
    private final int maxFrameBytes;
    private final RateLimits limits;
    private final ClientAddress clientAddress;
    private final PingWheel wheel;
    private final ConnectionGuard guard;
    private final int maxSockets;
    private final CountsPerKey perSite;
    private final int maxControlFramesPerSecond;
    private final RateLimit messageRate;
    private final AtomicInteger open = new AtomicInteger();
    private final LoopWriter.PerLoop writers = new LoopWriter.PerLoop();
    /** A call's negotiation sends a burst of candidates and descriptions; a page ever needs far fewer than this. */
    static final RateLimit CALL_MESSAGES = new RateLimit(50, 200);

    /**
     * {@code maxFrameBytes}: the largest frame, and message, a peer may send. {@code maxSockets}: the
     * node's socket budget (0: none); past it, new sockets get 503 while open ones keep working. {@code maxSocketsPerSite}: one site's share of it (0: none), so one public key
     * cannot take every socket. {@code maxControlFramesPerSecond}: pings, pongs and closes a peer may send.
     */
    public SocketUpgrade(TippenMetrics metrics, int writeQueueBytes, int maxFrameBytes, RateLimits limits, ClientAddress clientAddress,
                         PingWheel wheel, ConnectionGuard guard, int maxSockets, int maxSocketsPerSite, int maxControlFramesPerSecond,
                         RateLimit messageRate) {
        this.messageRate = messageRate;
        this.guard = guard;
        this.metrics = metrics;
        this.writeQueueBytes = writeQueueBytes;
        this.maxFrameBytes = maxFrameBytes;
        this.limits = limits;
        this.clientAddress = clientAddress;
        this.wheel = wheel;
        this.maxSockets = maxSockets;
        this.perSite = new CountsPerKey(maxSocketsPerSite);
        this.maxControlFramesPerSecond = maxControlFramesPerSecond;
    }

    /**
     * {@code onOpen} wires the socket and returns what must happen when it closes; this is the only
     * place that sets the socket's close handler.
     */
    public void upgrade(HttpServerRequest req, Connection.Spec spec, BiFunction<NettySocket, Connection, Runnable> onOpen) {
        Connection.Kind kind = spec.kind();
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new ApiError(400, "this route takes a WebSocket upgrade (Upgrade: websocket)");
        }
        SocketHandshake.check(req);
        String siteId = spec.siteId();
        if (open.incrementAndGet() > maxSockets && maxSockets > 0) {
            open.decrementAndGet();
            metrics.rateLimited("sockets_node");
            throw ApiError.unavailable("this server holds as many sockets as it can; try again shortly", 30);
        }
        if (!perSite.take(siteId)) {
            open.decrementAndGet();
            metrics.rateLimited("sockets_site");
            throw ApiError.unavailable("this site holds " + perSite.max()
                    + " open sockets, its share of this server (--max-sockets-per-site); try again shortly", 30);
        }
        Runnable giveBack;
        try {
            Runnable ip = limits.openSocket(clientAddress.limitKey(clientAddress.of(req)));
            giveBack = () -> {
                ip.run();
                perSite.give(siteId);
            };
        } catch (RuntimeException e) {
            open.decrementAndGet();
            perSite.give(siteId);
            throw e;
        }
        String path = req.path();
        HttpConnection connection = req.connection();
        Runnable connectionClosed = guard.upgraded(connection);
        SocketHandshake.takeOver(req, maxFrameBytes, () -> metrics.rateLimited("socket_protocol")).onSuccess(ws -> {
            metrics.socketOpened(kind.label());
            metrics.request(path, 101);
            Connection c = new Connection(ws, spec, writeQueueBytes, maxControlFramesPerSecond,
                    kind == Connection.Kind.CALL ? CALL_MESSAGES : messageRate, metrics, writers);
            Runnable onClose = onOpen.apply(ws, c);
            wheel.add(c);
            ws.closeHandler(() -> {
                connectionClosed.run();
                metrics.socketClosed(kind.label());
                open.decrementAndGet();
                wheel.remove(c);
                giveBack.run();
                onClose.run();
            });
        }).onFailure(err -> {
            // The 101 could not be written: the connection is gone, and with it what it held.
            connectionClosed.run();
            open.decrementAndGet();
            giveBack.run();
        });
    }

    /** Sockets open on this node now. */
    public int open() {
        return open.get();
    }
}
