package dev.tippen.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * The server's request handler. A GET on a socket route goes straight to its handler, so an open
 * socket keeps nothing of the router alive (no routing context, no closures over it); so does a
 * POST to the tracking route, the hot path, which answers for itself. Every other request goes
 * through the router. A socket handler refuses by throwing, and is answered here.
 */
public final class Front implements Handler<HttpServerRequest> {
    private final Router router;
    private final Map<String, Handler<HttpServerRequest>> sockets;
    private final String trackPath;
    private final Handler<HttpServerRequest> track;
    private final Errors errors;
    private final Handler<HttpServerRequest> count;
    private final ConnectionGuard guard;

    /** {@code count}: called first for every socket request, to count its answer by route. */
    /** The paths whose upgrades are answered here, before the router. */
    public java.util.Set<String> socketPaths() {
        return sockets.keySet();
    }

    public Front(Router router, Map<String, Handler<HttpServerRequest>> sockets, String trackPath, Handler<HttpServerRequest> track,
                 Errors errors, Handler<HttpServerRequest> count, ConnectionGuard guard) {
        this.guard = guard;
        this.router = router;
        this.sockets = Map.copyOf(sockets);
        this.trackPath = trackPath;
        this.track = track;
        this.errors = errors;
        this.count = count;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (!guard.admit(request)) return;
        String malformed = RequestShape.problem(request);
        if (malformed != null) {
            guard.condemn(request);
            RequestShape.refuse(request, malformed);
            return;
        }
        if (request.method() == HttpMethod.POST && trackPath.equals(request.path())) {
            track.handle(request);
            return;
        }
        Handler<HttpServerRequest> socket = request.method() == HttpMethod.GET ? sockets.get(request.path()) : null;
        if (socket == null) {
            router.handle(request);
            return;
        }
        count.handle(request);
        try {
            socket.handle(request);
        } catch (RuntimeException e) {
            errors.fail(request, e, request.path());
        }
    }
}
