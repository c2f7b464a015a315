package dev.tippen.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request's body, bounded, without the router's body handler: a declared length over the
 * limit is refused before a byte is read, and a body that grows past it fails at once (413). A body
 * that arrives in one piece (the usual case) is used as it came, without a copy. A body still
 * coming {@code timeoutMillis} after its headers (the header deadline, {@code --header-timeout}) is
 * refused with 408 and its connection closed, so a client dripping bytes cannot hold a connection
 * and its buffer. The deadlines of one event loop share one timer ({@link BodyDeadlines}).
 */
public final class Bodies {
    private Bodies() {}

    private static final class Parts {
        Buffer first;
        Buffer joined;

        int length() {
            return joined != null ? joined.length() : first == null ? 0 : first.length();
        }

        void add(Buffer chunk) {
            if (first == null) {
                first = chunk;
            } else {
                if (joined == null) joined = Buffer.buffer(first.length() + chunk.length()).appendBuffer(first);
                joined.appendBuffer(chunk);
            }
        }

        Buffer all() {
            return joined != null ? joined : first == null ? Buffer.buffer() : first;
        }
    }

    public static Future<Buffer> read(HttpServerRequest req, int limit, long timeoutMillis) {
        String declared = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) return Future.failedFuture(tooLarge(limit));
            } catch (NumberFormatException e) {
                return Future.failedFuture(ApiError.badRequest("Content-Length is not a number"));
            }
        }
        Promise<Buffer> body = Promise.promise();
        Parts parts = new Parts();
        req.handler(chunk -> {
            if (body.future().isComplete()) return;
            if (parts.length() + chunk.length() > limit) {
                body.tryFail(tooLarge(limit));
                return;
            }
            parts.add(chunk);
        });
        // A broken chunked body (a chunk size past what a number holds, say) is the client's fault: 400, not 500.
        req.exceptionHandler(e -> body.tryFail(e instanceof ApiError ? e
                : new ApiError(400, "the request body could not be read: malformed framing")));
        req.endHandler(v -> body.tryComplete(parts.all()));
        Context context = Vertx.currentContext();
        if (context != null && context.isEventLoopContext() && !req.isEnded()) {
            BodyDeadlines deadlines = BodyDeadlines.ofThisLoop();
            BodyDeadlines.Reading reading = deadlines.start(context, timeoutMillis, () -> {
                if (body.tryFail(new ApiError(408, "request body not received within " + timeoutMillis + " ms"))) {
                    req.response().putHeader(HttpHeaders.CONNECTION, "close");
                    req.response().endHandler(v -> req.connection().close());
                }
            });
            body.future().onComplete(done -> deadlines.arrived(reading));
        }
        return body.future();
    }

    private static ApiError tooLarge(int limit) {
        return new ApiError(413, "request body larger than " + limit / 1024 + " KiB");
    }
}
