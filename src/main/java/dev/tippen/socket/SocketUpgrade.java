package dev.tippen.socket;

import dev.tippen.config.RateLimit;
import dev.tippen.http.ApiError;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.ConnectionGuard;
import dev.tippen.http.CountsPerKey;
import dev.tippen.http.RateLimits;
import dev.tippen.metrics.TippenMetrics;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * The shared part of opening a socket: refuse plain GETs with JSON, hold the node's socket budget,
 * the site's share of it and the address's limits, upgrade, size the write queue, bound the control
 * frames, and count the socket in /metrics and on the ping wheel for as long as it is open. Keys are checked by the caller first, so a bad key is
 * refused before the upgrade. Upgrades come straight from the server's request handler, not through
 * the router, so nothing of the routing is kept alive for the socket's life.
 */
public final class SocketUpgrade {
    /** RFC 6455: a message too big to process. */
    static final short MESSAGE_TOO_BIG = 1009;

    private final TippenMetrics metrics;
    private final int writeQueueBytes;
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
     * {@code maxSockets}: the node's socket budget (0: none); past it, new sockets get 503 while open
     * ones keep working. {@code maxSocketsPerSite}: one site's share of it (0: none), so one public key
     * cannot take every socket. {@code maxControlFramesPerSecond}: pings, pongs and closes a peer may send.
     */
    public SocketUpgrade(TippenMetrics metrics, int writeQueueBytes, RateLimits limits, ClientAddress clientAddress,
                         PingWheel wheel, ConnectionGuard guard, int maxSockets, int maxSocketsPerSite, int maxControlFramesPerSecond,
                         RateLimit messageRate) {
        this.messageRate = messageRate;
        this.guard = guard;
        this.metrics = metrics;
        this.writeQueueBytes = writeQueueBytes;
        this.limits = limits;
        this.clientAddress = clientAddress;
        this.wheel = wheel;
        this.maxSockets = maxSockets;
        this.perSite = new CountsPerKey(maxSocketsPerSite);
        this.maxControlFramesPerSecond = maxControlFramesPerSecond;
    }

    /** Vert.x reports an over-long fragmented message as an exception and leaves the socket open; we close it. */
    private static boolean tooBig(Throwable err) {
        String m = String.valueOf(err.getMessage());
        return m.contains("max message size") || m.contains("Max frame length") || m.contains("too big");
    }

    /** Vert.x does not check frames beyond their size: {@link FrameViolations} does, right after the frame decoder. */
    private void checkFrames(ServerWebSocket ws) {
        if (!(ws instanceof WebSocketInternal internal)) return;
        ChannelPipeline pipeline = internal.channelHandlerContext().pipeline();
        if (pipeline.get("wsdecoder") != null && pipeline.get(FrameViolations.class) == null) {
            pipeline.addAfter("wsdecoder", "tippen-frames", new FrameViolations(() -> metrics.rateLimited("socket_protocol")));
        }
    }

    /**
     * {@code onOpen} wires the socket and returns what must happen when it closes. Vert.x keeps one close
     * handler per socket, so this is the only place that sets it.
     */
    public void upgrade(HttpServerRequest req, Connection.Spec spec, BiFunction<ServerWebSocket, Connection, Runnable> onOpen) {
        Connection.Kind kind = spec.kind();
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new ApiError(400, "this route takes a WebSocket upgrade (Upgrade: websocket)");
        }
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
        req.toWebSocket().onSuccess(ws -> {
            Runnable connectionClosed = guard.upgraded(connection);
            metrics.socketOpened(kind.label());
            metrics.request(path, 101);
            checkFrames(ws);
            // An over-long message is Vert.x's own error (its frames were each fine): closed here.
            ws.exceptionHandler(err -> {
                if (tooBig(err) && !ws.isClosed()) ws.close(MESSAGE_TOO_BIG, "message larger than 64 KiB");
            });
            Connection c = new Connection(ws, spec, writeQueueBytes, maxControlFramesPerSecond,
                    kind == Connection.Kind.CALL ? CALL_MESSAGES : messageRate, metrics, writers);
            ws.frameHandler(c::frame);
            Runnable onClose = onOpen.apply(ws, c);
            wheel.add(c);
            ws.closeHandler(v -> {
                connectionClosed.run();
                metrics.socketClosed(kind.label());
                open.decrementAndGet();
                wheel.remove(c);
                giveBack.run();
                onClose.run();
            });
        }).onFailure(err -> {
            open.decrementAndGet();
            giveBack.run();
            if (!req.response().ended()) {
                req.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                        .end(new io.vertx.core.json.JsonObject().put("error", "WebSocket upgrade failed: " + err.getMessage()).encode());
            }
        });
    }

    /** Sockets open on this node now. */
    public int open() {
        return open.get();
    }
}
