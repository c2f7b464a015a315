package dev.tippen.socket;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** What a client sent on a socket: its {@code type}, or why it could not be read. */
public record ClientFrame(String type, String problem) {

    public static ClientFrame parse(String text) {
        Object value;
        try {
            value = Json.decodeValue(text);
        } catch (DecodeException e) {
            return new ClientFrame(null, "message is not valid JSON");
        }
        if (!(value instanceof JsonObject o)) return new ClientFrame(null, "message must be a JSON object");
        Object type = o.getValue("type");
        if (!(type instanceof String t)) return new ClientFrame(null, "message needs a string 'type'");
        return new ClientFrame(t, null);
    }

    public boolean ok() {
        return problem == null;
    }
}
