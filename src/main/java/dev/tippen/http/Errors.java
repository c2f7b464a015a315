package dev.tippen.http;

import dev.tippen.store.StoreException;
import dev.tippen.visitor.SiteRefusal;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place failures become responses: always JSON {@code {"error": ...}}, always with CORS. */
public final class Errors {
    private static final Logger log = LoggerFactory.getLogger(Errors.class);

    private final Cors cors;

    public Errors(Cors cors) {
        this.cors = cors;
    }

    public void handle(RoutingContext ctx) {
        Throwable f = ctx.failure();
        if (f instanceof ApiError e) {
            if (e.retryAfterSeconds() > 0) ctx.response().putHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            send(ctx, e.status(), e.getMessage());
        } else if (f instanceof SiteRefusal r) {
            if (r.reason() == SiteRefusal.Reason.NO_SUCH_VISITOR) send(ctx, 404, r.getMessage());
            else retryLater(ctx, r.getMessage());
        } else if (f instanceof StoreException e) {
            retryLater(ctx, e.overloaded() ? "server busy, try again" : "storage unavailable, event not stored");
        } else if (f == null || ctx.statusCode() != 500 && ctx.statusCode() > 0) {
            send(ctx, ctx.statusCode(), messageFor(ctx.statusCode()));
        } else {
            log.error("event=unhandled_error path={} error=\"{}\"", ctx.normalizedPath(), f.toString(), f);
            send(ctx, 500, "internal error");
        }
    }

    private void retryLater(RoutingContext ctx, String message) {
        ctx.response().putHeader("Retry-After", "1");
        send(ctx, 503, message);
    }

    public void send(RoutingContext ctx, int status, String message) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.headWritten()) return;
        cors.apply(ctx);
        r.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }

    static String messageFor(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "missing API key";
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body larger than 16 KiB";
            case 415 -> "unsupported content type";
            case 429 -> "too many requests";
            default -> "request failed";
        };
    }
}
