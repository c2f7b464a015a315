package dev.tippen.http;

import dev.tippen.fanout.Connection;
import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiFunction;

/**
 * The shared part of opening a socket: refuse plain GETs with JSON, upgrade, size the write queue,
 * and count the socket in /metrics for as long as it is open. Keys are checked by the caller first,
 * so a bad key is refused before the upgrade.
 */
public final class SocketUpgrade {
    /** RFC 6455: a message too big to process. */
    static final short MESSAGE_TOO_BIG = 1009;

    private final TippenMetrics metrics;
    private final int writeQueueBytes;
    private final RateLimits limits;
    private final ClientAddress clientAddress;

    public SocketUpgrade(TippenMetrics metrics, int writeQueueBytes, RateLimits limits, ClientAddress clientAddress) {
        this.metrics = metrics;
        this.writeQueueBytes = writeQueueBytes;
        this.limits = limits;
        this.clientAddress = clientAddress;
    }

    /** Vert.x reports an over-long fragmented message as an exception and leaves the socket open; we close it. */
    private static boolean tooBig(Throwable err) {
        String m = String.valueOf(err.getMessage());
        return m.contains("max message size") || m.contains("Max frame length") || m.contains("too big");
    }

    /**
     * {@code onOpen} wires the socket and returns what must happen when it closes. Vert.x keeps one close
     * handler per socket, so this is the only place that sets it.
     */
    public void upgrade(RoutingContext ctx, Connection.Spec spec, BiFunction<ServerWebSocket, Connection, Runnable> onOpen) {
        Connection.Kind kind = spec.kind();
        String upgrade = ctx.request().getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            throw new ApiError(400, "this route takes a WebSocket upgrade (Upgrade: websocket)");
        }
        Runnable giveBack = limits.openSocket(clientAddress.of(ctx.request()));
        ctx.request().toWebSocket().onSuccess(ws -> {
            metrics.socketOpened(kind.label());
            metrics.request(ctx.normalizedPath(), 101);
            ws.exceptionHandler(err -> {
                if (tooBig(err) && !ws.isClosed()) ws.close(MESSAGE_TOO_BIG, "message larger than 64 KiB");
            });
            Runnable onClose = onOpen.apply(ws, new Connection(ws, spec, writeQueueBytes, metrics));
            ws.closeHandler(v -> {
                metrics.socketClosed(kind.label());
                giveBack.run();
                onClose.run();
            });
        }).onFailure(err -> {
            giveBack.run();
            if (!ctx.response().ended()) ctx.fail(new ApiError(400, "WebSocket upgrade failed: " + err.getMessage()));
        });
    }
}
