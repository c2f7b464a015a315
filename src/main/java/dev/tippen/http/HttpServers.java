package dev.tippen.http;

import dev.tippen.config.TippenConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server per event loop, all on the same port, sharing one request handler (the router
 * behind it is immutable once built).
 */
public final class HttpServers {
    private final Vertx vertx;
    private final String deployment;
    private final int port;

    private HttpServers(Vertx vertx, String deployment, int port) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.port = port;
    }

    public static Future<HttpServers> start(Vertx vertx, Handler<HttpServerRequest> handler, TippenConfig config, int instances) {
        Set<Integer> bound = ConcurrentHashMap.newKeySet();
        int port = config.port() == 0 ? freePort(config.host()) : config.port();
        HttpServerOptions options = options(config).setPort(port);
        return vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        return vertx.createHttpServer(options).requestHandler(handler).listen()
                                .onSuccess(s -> bound.add(s.actualPort()));
                    }
                }, new DeploymentOptions().setInstances(instances))
                .compose(id -> bound.size() == 1
                        ? Future.succeededFuture(new HttpServers(vertx, id, bound.iterator().next()))
                        : Future.failedFuture("servers bound different ports " + bound))
                .recover(err -> Future.failedFuture(new IllegalStateException(
                        "cannot listen on " + config.host() + ":" + config.port() + ": " + err.getMessage(), err)));
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
                .setMaxWebSocketFrameSize(limits.maxFrameBytes())
                .setMaxWebSocketMessageSize(limits.maxFrameBytes())
                // A socket that answers nothing for three ping intervals is dead (or half-open): close it.
                .setReadIdleTimeout((int) Math.max(1, config.pingInterval().toSeconds() * 3))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setMaxFormAttributeSize(limits.maxBodyBytes())
                .setMaxHeaderSize(16 * 1024)
                .setMaxInitialLineLength(8 * 1024)
                .setAcceptBacklog(8192);
    }

    public int port() {
        return port;
    }

    public Future<Void> close() {
        return vertx.undeploy(deployment);
    }
}
