package dev.tippen.socket;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** What a client sent on a socket: its {@code type} and fields, or why it could not be read. */
public record ClientFrame(String type, String problem, JsonObject fields) {

    public static ClientFrame parse(String text) {
        Object value;
        try {
            value = Json.decodeValue(text);
        } catch (DecodeException e) {
            return new ClientFrame(null, "message is not valid JSON", null);
        }
        if (!(value instanceof JsonObject o)) return new ClientFrame(null, "message must be a JSON object", null);
        Object type = o.getValue("type");
        if (!(type instanceof String t)) return new ClientFrame(null, "message needs a string 'type'", null);
        return new ClientFrame(t, null, o);
    }

    /** A string field of the message, or null when it is absent or not a string. */
    public String string(String field) {
        return fields != null && fields.getValue(field) instanceof String s ? s : null;
    }

    public boolean ok() {
        return problem == null;
    }
}
