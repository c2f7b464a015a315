package dev.tippen.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.Locale;

/**
 * Framing that two parsers may read two ways, refused before anything else reads the request: a
 * Transfer-Encoding other than plain {@code chunked} (the decoder reads {@code xchunked} as no body,
 * so its body would be taken for a second request), and more than one Host. The connection is
 * closed after the 400, so nothing that followed on it is read as a request.
 */
final class RequestShape {
    private RequestShape() {}

    /** Why the request is refused, or null when its framing is plain. */
    static String problem(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) return null;
        List<String> encodings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
        if (encodings.size() > 1) return "more than one Transfer-Encoding header";
        if (encodings.size() == 1 && !encodings.get(0).trim().toLowerCase(Locale.ROOT).equals("chunked")) {
            return "Transfer-Encoding must be chunked (or absent)";
        }
        if (request.headers().getAll(HttpHeaders.HOST).size() > 1) return "more than one Host header";
        return null;
    }

    /** Answers 400 and closes the connection. */
    static void refuse(HttpServerRequest request, String problem) {
        request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(new io.vertx.core.json.JsonObject().put("error", problem).encode())
                .onComplete(v -> request.connection().close());
    }
}
