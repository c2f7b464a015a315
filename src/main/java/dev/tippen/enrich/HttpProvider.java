package dev.tippen.enrich;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** The HTTP part both providers share: one GET with a bearer key and a timeout, then status mapping. */
abstract class HttpProvider implements RemoteProvider {
    private final WebClient client;
    private final String base;
    private final String key;
    private final long timeoutMillis;

    HttpProvider(WebClient client, String baseUrl, String key, long timeoutMillis) {
        this.client = client;
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
        this.timeoutMillis = timeoutMillis;
    }

    /** GETs {@code pathAndQuery} under the provider's base URL. */
    Future<RemoteAnswer> get(String pathAndQuery, Function<JsonObject, RemoteAnswer> read) {
        var request = client.getAbs(base + pathAndQuery).timeout(timeoutMillis).putHeader("Accept", "application/json");
        if (key != null && !key.isBlank()) request.putHeader("Authorization", "Bearer " + key);
        return request.send().recover(err -> Future.failedFuture(err instanceof TimeoutException
                        || String.valueOf(err.getMessage()).contains("timeout")
                        ? new ProviderException("timeout", name() + " did not answer within " + timeoutMillis + " ms")
                        : new ProviderException("error", name() + " unreachable: " + err.getMessage())))
                .compose(r -> Future.succeededFuture(answer(r, read)));
    }

    private RemoteAnswer answer(HttpResponse<Buffer> r, Function<JsonObject, RemoteAnswer> read) {
        int s = r.statusCode();
        if (s == 404) return RemoteAnswer.NONE;
        if (s == 429) throw new ProviderException("rate_limited", name() + " answered 429 (rate limited)");
        if (s != 200) throw new ProviderException("error", name() + " answered " + s);
        JsonObject body;
        try {
            Buffer b = r.body();
            body = b == null ? null : b.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new ProviderException("error", name() + " sent a body that is not a JSON object");
        }
        if (body == null) throw new ProviderException("error", name() + " sent an empty body");
        try {
            return read.apply(body);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new ProviderException("error", name() + " sent an answer of an unexpected shape: " + e.getMessage());
        }
    }

    static String text(JsonObject o, String field) {
        if (o == null) return null;
        Object v = o.getValue(field);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    static Double number(JsonObject o, String field) {
        if (o == null) return null;
        return o.getValue(field) instanceof Number n ? n.doubleValue() : null;
    }

    static String encode(String ip) {
        return java.net.URLEncoder.encode(ip, java.nio.charset.StandardCharsets.UTF_8);
    }
}
