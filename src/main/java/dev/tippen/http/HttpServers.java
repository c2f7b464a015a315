package dev.tippen.http;

import dev.tippen.config.TippenConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server per event loop, all on the same port, sharing the router (which is immutable once
 * built). Port 0 binds a free port first, and the remaining instances join it.
 */
public final class HttpServers {
    private final Vertx vertx;
    private final String deploymentA;
    private final String deploymentB;
    private final int port;

    private HttpServers(Vertx vertx, String a, String b, int port) {
        this.vertx = vertx;
        this.deploymentA = a;
        this.deploymentB = b;
        this.port = port;
    }

    public static Future<HttpServers> start(Vertx vertx, Router router, TippenConfig config, int instances) {
        int[] bound = new int[1];
        return deploy(vertx, router, config, config.port(), 1, bound).compose(first -> {
            if (instances <= 1) return Future.succeededFuture(new HttpServers(vertx, first, null, bound[0]));
            return deploy(vertx, router, config, bound[0], instances - 1, new int[1])
                    .map(rest -> new HttpServers(vertx, first, rest, bound[0]));
        }).recover(err -> Future.failedFuture(new IllegalStateException(
                "cannot listen on " + config.host() + ":" + config.port() + ": " + err.getMessage(), err)));
    }

    private static Future<String> deploy(Vertx vertx, Router router, TippenConfig config, int port, int instances,
                                         int[] bound) {
        HttpServerOptions options = options(config).setPort(port);
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(options).requestHandler(router).listen()
                        .onSuccess(s -> bound[0] = s.actualPort());
            }
        }, new DeploymentOptions().setInstances(instances));
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
        Future<Void> a = vertx.undeploy(deploymentA);
        return deploymentB == null ? a : Future.all(a, vertx.undeploy(deploymentB)).mapEmpty();
    }
}
