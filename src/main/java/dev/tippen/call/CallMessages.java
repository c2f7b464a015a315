package dev.tippen.call;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The messages of a call's socket (docs/protocol.md, "Calls"), and those its nodes pass each other
 * through {@link Signals}: presence, a party's signal, the end.
 */
final class CallMessages {
    private CallMessages() {}

    static String config(String callId, CallTickets.Party party, JsonArray iceServers, boolean relayOnly) {
        return new JsonObject().put("type", "CALL_CONFIG").put("callId", callId).put("party", party.wire())
                // Perfect negotiation: the visitor's side gives way when both offer at once.
                .put("polite", party == CallTickets.Party.VISITOR)
                .put("iceServers", iceServers).put("iceTransportPolicy", relayOnly ? "relay" : "all").encode();
    }

    static String peer(boolean present) {
        return new JsonObject().put("type", "PEER").put("present", present).encode();
    }

    static String signal(JsonObject data) {
        return new JsonObject().put("type", "SIGNAL").put("data", data).encode();
    }

    static String state(String state) {
        return new JsonObject().put("type", "CALL_STATE").put("state", state).encode();
    }

    static String ended(String reason) {
        return new JsonObject().put("type", "CALL_ENDED").put("reason", reason).encode();
    }

    // ---- between nodes -------------------------------------------------------------------------------

    static String presence(CallTickets.Party from, boolean present, boolean hello) {
        return new JsonObject().put("kind", "presence").put("from", from.wire()).put("present", present).put("hello", hello).encode();
    }

    static String relayed(CallTickets.Party from, JsonObject data) {
        return new JsonObject().put("kind", "signal").put("from", from.wire()).put("data", data).encode();
    }

    static String connected() {
        return new JsonObject().put("kind", "connected").encode();
    }

    static String over(String reason) {
        return new JsonObject().put("kind", "ended").put("reason", reason).encode();
    }
}
