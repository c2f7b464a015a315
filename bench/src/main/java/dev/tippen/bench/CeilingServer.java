package dev.tippen.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bare stack, for the benchmarks' ceiling: Vert.x with the same routes, the same number of
 * servers and event loops, and the least work each route can do. Tracking answers a constant and
 * hands the raw body to every dashboard of the same "site" (keys {@code pk_X} and {@code sk_X} share
 * site X, unchecked); an invite is routed to the one socket that names the visitor. No validation,
 * no storage: whatever Tippen costs above this is Tippen's own.
 */
public final class CeilingServer {
    private static final Buffer TRACKED = Buffer.buffer("{\"success\":true,\"sessionId\":\"ceiling\"}");
    private static final Buffer INVITED = Buffer.buffer("{\"success\":true,\"delivered\":1}");

    private final Map<String, Set<ServerWebSocket>> dashboards = new ConcurrentHashMap<>();
    private final Map<String, ServerWebSocket> visitors = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        Router router = new CeilingServer().router(vertx);
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                        .requestHandler(router).listen();
            }
        }, new DeploymentOptions().setInstances(loops)).onFailure(err -> {
            err.printStackTrace();
            System.exit(1);
        });
    }

    private Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(16 * 1024);
        router.post("/track/visitor").handler(body).handler(ctx -> {
            String update = "{\"type\":\"VISITOR_UPDATE\",\"event\":\"pageview\",\"visitor\":" + ctx.body().asString() + "}";
            for (ServerWebSocket ws : dashboards.getOrDefault(site(ctx.request().getHeader("X-Tippen-API-Key")), Set.of())) {
                ws.writeTextMessage(update);
            }
            ctx.response().putHeader("Content-Type", "application/json").end(TRACKED);
        });
        router.post("/api/send-video-invite").handler(body).handler(ctx -> {
            JsonObject invite = ctx.body().asJsonObject();
            ServerWebSocket ws = visitors.get(invite.getString("visitorId"));
            if (ws != null) ws.writeTextMessage(new JsonObject().put("type", "VIDEO_INVITE")
                    .put("visitorId", invite.getString("visitorId")).put("guestUrl", invite.getString("guestUrl")).encode());
            ctx.response().putHeader("Content-Type", "application/json").end(INVITED);
        });
        router.get("/ws/dashboard").handler(ctx -> {
            Set<ServerWebSocket> site = dashboards.computeIfAbsent(site(ctx.request().getParam("apiKey")),
                    k -> ConcurrentHashMap.newKeySet());
            ctx.request().toWebSocket().onSuccess(ws -> {
                ws.writeTextMessage("{\"type\":\"INITIAL_VISITORS\",\"visitors\":[]}");
                site.add(ws);
                ws.closeHandler(v -> site.remove(ws));
            });
        });
        router.get("/ws/visitor").handler(ctx -> {
            String id = ctx.request().getParam("visitorId");
            ctx.request().toWebSocket().onSuccess(ws -> {
                ws.writeTextMessage("{\"type\":\"CONNECTED\",\"visitorId\":\"" + id + "\"}");
                visitors.put(id, ws);
                ws.closeHandler(v -> visitors.remove(id, ws));
            });
        });
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}"));
        return router;
    }

    private static String site(String key) {
        return key == null || key.length() < 3 ? "" : key.substring(3);
    }
}
