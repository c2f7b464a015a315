package dev.tippen.http;

import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.StoreException;
import io.vertx.core.http.HttpServerRequest;
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

    /** The router's failure handler. */
    public void handle(RoutingContext ctx) {
        Throwable f = ctx.failure();
        boolean ours = f instanceof ApiError || f instanceof SiteRefusal || f instanceof StoreException;
        if (!ours && (f == null || ctx.statusCode() != 500 && ctx.statusCode() > 0)) {
            send(ctx.request(), ctx.statusCode(), messageFor(ctx.statusCode()), 0);
        } else {
            fail(ctx.request(), f, ctx.normalizedPath());
        }
    }

    /** Answers a request that failed with {@code f}, whichever handler it reached; returns the status sent. */
    public int fail(HttpServerRequest request, Throwable f, String path) {
        if (f instanceof ApiError e) {
            return send(request, e.status(), e.getMessage(), e.retryAfterSeconds());
        } else if (f instanceof SiteRefusal r) {
            if (r.reason() == SiteRefusal.Reason.NO_SUCH_VISITOR) return send(request, 404, r.getMessage(), 0);
            if (r.reason() == SiteRefusal.Reason.BUSY) return send(request, 409, r.getMessage(), 0);
            if (r.reason() == SiteRefusal.Reason.WRITE_RATE) return send(request, 429, r.getMessage(), 1);
            return send(request, 503, r.getMessage(), 5);
        } else if (f instanceof StoreException e) {
            return send(request, 503, e.overloaded() ? "server busy, try again" : "storage unavailable, event not stored", 1);
        }
        log.error("event=unhandled_error path={} error=\"{}\"", path, f.toString(), f);
        return send(request, 500, "internal error", 0);
    }

    public int send(HttpServerRequest request, int status, String message, long retryAfterSeconds) {
        HttpServerResponse r = request.response();
        if (r.ended() || r.headWritten()) return r.getStatusCode();
        cors.apply(request);
        if (retryAfterSeconds > 0) r.putHeader("Retry-After", Long.toString(retryAfterSeconds));
        r.setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
        return status;
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
