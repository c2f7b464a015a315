package dev.tippen.http;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The routes that are about the server itself: health, readiness, metrics, the tracker script, the index page. */
public final class OpsRoutes {
    private static final Set<String> ROUTES = Set.of("/track/visitor", "/ws/dashboard", "/ws/visitor",
            "/api/send-video-invite", "/tippen-tracker.js", "/healthz", "/readyz", "/metrics", "/");

    private final BooleanSupplier ready;
    private final TippenMetrics metrics;
    private final Buffer tracker = resource("tracker/tippen-tracker.js");
    private final String index = resource("public/index.html").toString();
    private final Supplier<List<String>> credits;

    /** {@code ready}: whether storage takes writes now; {@code credits}: the attribution lines (HTML) of the data in use, shown on the index page. */
    public OpsRoutes(BooleanSupplier ready, TippenMetrics metrics, Supplier<List<String>> credits) {
        this.ready = ready;
        this.metrics = metrics;
        this.credits = credits;
    }

    /** Counts every answered request by route; unknown paths share one label so the series stay bounded. */
    public void countRequests(RoutingContext ctx) {
        count(ctx.request(), ctx.normalizedPath());
        ctx.next();
    }

    /** The same for a socket route's request, which does not go through the router. */
    public void countSocket(io.vertx.core.http.HttpServerRequest request) {
        count(request, request.path());
    }

    private void count(io.vertx.core.http.HttpServerRequest request, String path) {
        String route = ROUTES.contains(path) ? path : "other";
        io.vertx.core.http.HttpServerResponse response = request.response();
        response.headersEndHandler(v -> metrics.request(route, response.getStatusCode()));
    }

    public void trackerScript(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Type", "application/javascript; charset=utf-8")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(tracker);
    }

    public void health(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("status", "ok"));
    }

    public void ready(RoutingContext ctx) {
        boolean ok = ready.getAsBoolean();
        json(ctx, ok ? 200 : 503, ok ? new JsonObject().put("status", "ready")
                : new JsonObject().put("error", "storage unavailable"));
    }

    public void metrics(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", TippenMetrics.contentType()).end(metrics.scrape());
    }

    public void index(RoutingContext ctx) {
        List<String> lines = credits.get();
        String html = lines.isEmpty() ? "" : "<h2>Data</h2>\n<ul>\n<li>" + String.join("</li>\n<li>", lines) + "</li>\n</ul>\n";
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(index.replace("<!--data-credits-->", html));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static Buffer resource(String name) {
        try (InputStream in = OpsRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
