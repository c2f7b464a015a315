package dev.tippen.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** A request's JSON object body and its string fields, each fault a 400 that says what is wrong. */
public final class JsonBody {
    private JsonBody() {
    }

    public static JsonObject object(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) throw ApiError.badRequest("empty body; expected a JSON object");
        Object v;
        try {
            v = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) throw ApiError.badRequest("body must be a JSON object");
        return o;
    }

    /** The field as a string, null when absent; any other type is refused. */
    public static String string(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) return null;
        if (!(v instanceof String s)) throw ApiError.badRequest("'" + field + "' must be a string");
        return s;
    }
}
