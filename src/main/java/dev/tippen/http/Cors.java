package dev.tippen.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * CORS on every response, and 204 for every preflight. Tracking routes are called from customers'
 * pages, so any origin may call them; the secret-key routes answer only the allowed origins when a
 * list is configured.
 */
public final class Cors {
    private static final String METHODS = "GET, POST, OPTIONS";
    private static final String HEADERS = "Content-Type, X-Tippen-API-Key, Authorization";

    private final List<String> allowedOrigins;
    private final boolean anyOrigin;

    public Cors(List<String> allowedOrigins) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.anyOrigin = allowedOrigins.isEmpty() || allowedOrigins.contains("*");
    }

    public void handle(RoutingContext ctx) {
        apply(ctx);
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.next();
    }

    public void apply(RoutingContext ctx) {
        MultiMap h = ctx.response().headers();
        h.set("Access-Control-Allow-Origin", allowOrigin(ctx));
        h.set("Access-Control-Allow-Methods", METHODS);
        h.set("Access-Control-Allow-Headers", HEADERS);
        h.set("Access-Control-Max-Age", "600");
        if (!anyOrigin) h.set("Vary", "Origin");
    }

    /** Whether a browser page from {@code origin} may use the secret-key routes (dashboard socket, invites). */
    public boolean allows(String origin) {
        return anyOrigin || origin == null || allowedOrigins.contains(origin);
    }

    private String allowOrigin(RoutingContext ctx) {
        if (anyOrigin || isPublicRoute(ctx.normalizedPath())) return "*";
        String origin = ctx.request().getHeader("Origin");
        return origin != null && allowedOrigins.contains(origin) ? origin : allowedOrigins.get(0);
    }

    private static boolean isPublicRoute(String path) {
        return path.equals("/track/visitor") || path.equals("/ws/visitor") || path.equals("/tippen-tracker.js");
    }
}
