package dev.tippen.http;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The routes that are about the server itself: health, readiness, metrics, the tracker script, the index page. */
public final class OpsRoutes {
    private static final Set<String> ROUTES = Set.of("/track/visitor", "/ws/dashboard", "/ws/visitor",
            "/api/send-video-invite", "/tippen-tracker.js", "/healthz", "/readyz", "/metrics", "/", "/api/visits", "/openapi.json");
    /** Routes with a path parameter, counted under their pattern so the series stay bounded. */
    private static final List<String[]> PATTERNS = List.of(new String[] {"/api/visitors/", "/api/visitors/{visitorId}"},
            new String[] {"/api/reports/", "/api/reports/{dimension}"});

    private final Supplier<String> unready;
    private final TippenMetrics metrics;
    private final Buffer tracker = Resources.read("tracker/tippen-tracker.js");
    private final Buffer openApi = Resources.read("openapi.json");
    private final String index = Resources.read("public/index.html").toString();
    private final Supplier<List<String>> credits;
    private final String metricsToken;

    /**
     * {@code unready}: why the node should get no traffic now (null: ready); {@code credits}: the attribution lines (HTML) of
     * the data in use, shown on the index page; {@code metricsToken}: what /metrics asks for (null: open).
     */
    private String demoNote = "";

    /** Under --demo the index page names the demo key and links the demo site. */
    public OpsRoutes demo(String key) {
        demoNote = "<p class=\"demo\">This server runs the demo: sign in to the console with <code>" + key
                + "</code>, then open <a href=\"/demo\">the demo site</a> in another tab and watch yourself arrive.</p>";
        return this;
    }

    public OpsRoutes(Supplier<String> unready, TippenMetrics metrics, Supplier<List<String>> credits, String metricsToken) {
        this.unready = unready;
        this.metrics = metrics;
        this.credits = credits;
        this.metricsToken = metricsToken;
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
        String route = routeOf(path);
        io.vertx.core.http.HttpServerResponse response = request.response();
        response.headersEndHandler(v -> metrics.request(route, response.getStatusCode()));
    }

    /** The API's OpenAPI 3.1 description. */
    public void openApi(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "public, max-age=300").end(openApi);
    }

    static String routeOf(String path) {
        if (path == null) return "other";
        if (ROUTES.contains(path)) return path;
        for (String[] p : PATTERNS) if (path.startsWith(p[0])) return p[1];
        return "other";
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
        String why = unready.get();
        json(ctx, why == null ? 200 : 503, why == null ? new JsonObject().put("status", "ready") : new JsonObject().put("error", why));
    }

    /** With a token configured, /metrics answers only a scraper that presents it as a bearer token. */
    public void metrics(RoutingContext ctx) {
        if (metricsToken != null) {
            String auth = ctx.request().getHeader("Authorization");
            boolean ok = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                    && java.security.MessageDigest.isEqual(auth.substring(7).trim().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    metricsToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (!ok) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                throw new ApiError(401, "/metrics needs its bearer token (--metrics-token)");
            }
        }
        ctx.response().putHeader("Content-Type", TippenMetrics.contentType());
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) ctx.response().end();
        else ctx.response().end(metrics.scrape());
    }

    public void index(RoutingContext ctx) {
        List<String> lines = credits.get();
        String html = lines.isEmpty() ? "" : "<h2>Data</h2>\n<ul>\n<li>" + String.join("</li>\n<li>", lines) + "</li>\n</ul>\n";
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .end(index.replace("<!--data-credits-->", html).replace("<!--demo-->", demoNote));
    }

    /** HEAD gets the same status and headers, and no body. */
    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) ctx.response().end();
        else ctx.response().end(body.encode());
    }

}
