package dev.tippen.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * CORS on every response, and 204 for every preflight. Tracking routes are called from customers'
 * pages, so any origin may call them; the secret-key routes answer only the allowed origins when a
 * list is configured. The header names and fixed values are encoded once, not per response.
 */
public final class Cors {
    private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
    private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("Access-Control-Allow-Methods");
    private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("Access-Control-Allow-Headers");
    private static final CharSequence MAX_AGE = HttpHeaders.createOptimized("Access-Control-Max-Age");
    private static final CharSequence VARY = HttpHeaders.createOptimized("Vary");
    private static final CharSequence ANY = HttpHeaders.createOptimized("*");
    private static final CharSequence METHODS = HttpHeaders.createOptimized("GET, POST, PATCH, DELETE, OPTIONS");
    private static final CharSequence HEADERS = HttpHeaders.createOptimized("Content-Type, X-Tippen-API-Key, Authorization");
    private static final CharSequence TEN_MINUTES = HttpHeaders.createOptimized("600");
    private static final CharSequence ORIGIN = HttpHeaders.createOptimized("Origin");

    private final List<String> allowedOrigins;
    private final boolean anyOrigin;

    public Cors(List<String> allowedOrigins) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.anyOrigin = allowedOrigins.isEmpty() || allowedOrigins.contains("*");
    }

    public void handle(RoutingContext ctx) {
        apply(ctx.request());
        if (ctx.request().method() == HttpMethod.OPTIONS) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        ctx.next();
    }

    public void apply(HttpServerRequest request) {
        MultiMap h = request.response().headers();
        h.set(ALLOW_ORIGIN, allowOrigin(request));
        h.set(ALLOW_METHODS, METHODS);
        h.set(ALLOW_HEADERS, HEADERS);
        h.set(MAX_AGE, TEN_MINUTES);
        if (!anyOrigin) h.set(VARY, ORIGIN);
    }

    /** Whether a browser page from {@code origin} may use the secret-key routes (dashboard socket, invites). */
    public boolean allows(String origin) {
        return anyOrigin || origin == null || allowedOrigins.contains(origin);
    }

    private CharSequence allowOrigin(HttpServerRequest request) {
        if (anyOrigin || isPublicRoute(request.path())) return ANY;
        String origin = request.getHeader(ORIGIN);
        return origin != null && allowedOrigins.contains(origin) ? origin : allowedOrigins.get(0);
    }

    private static boolean isPublicRoute(String path) {
        return "/track/visitor".equals(path) || "/ws/visitor".equals(path) || "/tippen-tracker.js".equals(path);
    }
}
