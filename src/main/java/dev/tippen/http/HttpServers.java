package dev.tippen.http;

import dev.tippen.config.TippenConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server per event loop, all on the same port, sharing one request handler (the router
 * behind it is immutable once built), each on its loop's site lane.
 */
public final class HttpServers {
    private final List<HttpServer> servers;
    private final int port;

    private HttpServers(List<HttpServer> servers, int port) {
        this.servers = servers;
        this.port = port;
    }

    /**
     * One server on each of the given contexts (the site lanes): a connection is handled on the event
     * loop of the server that accepted it, so a request for a site on that loop's lane stays there.
     */
    public static Future<HttpServers> start(Vertx vertx, Handler<HttpServerRequest> handler, ConnectionGuard guard,
                                            TippenConfig config, List<Context> contexts) {
        int port = config.port() == 0 ? freePort(config.host()) : config.port();
        HttpServerOptions options = options(config).setPort(port);
        List<Future<HttpServer>> listening = new ArrayList<>();
        for (Context c : contexts) {
            Promise<HttpServer> p = Promise.promise();
            c.runOnContext(v -> vertx.createHttpServer(options).connectionHandler(conn -> {
                FramingErrors.install(conn);
                guard.accepted(conn);
            }).requestHandler(handler).listen().onComplete(p));
            listening.add(p.future());
        }
        return Future.all(listening).map(all -> {
                    List<HttpServer> servers = all.list();
                    Set<Integer> bound = new HashSet<>();
                    for (HttpServer s : servers) bound.add(s.actualPort());
                    if (bound.size() != 1) throw new IllegalStateException("servers bound different ports " + bound);
                    return new HttpServers(servers, port);
                })
                .recover(err -> {
                    for (Future<HttpServer> f : listening) if (f.succeeded()) f.result().close();
                    return Future.failedFuture(new IllegalStateException(
                            "cannot listen on " + config.host() + ":" + config.port() + ": " + err.getMessage(), err));
                });
    }

    /** Servers share a port only when they ask for the same number, so port 0 is resolved once, here. */
    private static int freePort(String host) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no free port on " + host + ": " + e.getMessage(), e);
        }
    }

    static HttpServerOptions options(TippenConfig config) {
        TippenConfig.Limits limits = config.limits();
        return new HttpServerOptions()
                .setHost(config.host())
                // A connection that sends nothing for three ping intervals is closed. (Sockets leave
                // Vert.x at their upgrade, with this timer: the ping wheel ends a quiet one.)
                .setReadIdleTimeout((int) Math.max(1, config.pingInterval().toSeconds() * 3))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true)
                // HTTP/1.1 only in clear text (browsers never speak h2c): the connection then exists from
                // its first moment, so its address limit and header deadline hold before it sends a byte.
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false)
                // No deflate on sockets: each would hold a compressor's state, and with no extension
                // offered, a frame with reserved bits set is the protocol error it is (1002). Vert.x
                // would put its compression handler in every HTTP connection, which answers an upgrade's
                // offer of permessage-deflate itself, around the handshake that SocketHandshake does.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                .setMaxFormAttributeSize(limits.maxBodyBytes())
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(8 * 1024)
                .setAcceptBacklog(8192);
    }

    public int port() {
        return port;
    }

    public Future<Void> close() {
        List<Future<Void>> closed = new ArrayList<>();
        for (HttpServer s : servers) closed.add(s.close());
        return Future.all(closed).mapEmpty();
    }
}
