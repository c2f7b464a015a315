package dev.tippen.call;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers a call's two browsers are given: STUN servers as configured, and a TURN server with
 * credentials of coturn's REST scheme ({@code use-auth-secret}): the user name is the expiry in Unix
 * seconds and a label, the password the base64 HMAC-SHA1 of the user name under the shared secret.
 * They are made for one party of one call, and stop working at the expiry.
 */
public final class IceServers {
    /** {@code relayOnly}: the browsers use TURN only, so neither learns the other's address. */
    public record Settings(List<String> stun, List<String> turn, String turnSecret, Duration turnLifetime, boolean relayOnly) {
        public Settings {
            stun = List.copyOf(stun);
            turn = List.copyOf(turn);
        }

        public boolean hasTurn() {
            return !turn.isEmpty() && turnSecret != null && !turnSecret.isEmpty();
        }
    }

    private final Settings settings;

    public IceServers(Settings settings) {
        this.settings = settings;
    }

    public boolean relayOnly() {
        return settings.relayOnly();
    }

    /** RTCConfiguration's {@code iceServers}, for {@code label} (the call and party), valid from {@code nowMillis}. */
    public JsonArray forCall(String label, long nowMillis) {
        JsonArray out = new JsonArray();
        if (!settings.stun().isEmpty()) out.add(new JsonObject().put("urls", new JsonArray(settings.stun())));
        if (settings.hasTurn()) {
            long expires = nowMillis / 1000 + settings.turnLifetime().toSeconds();
            String username = expires + ":" + label;
            out.add(new JsonObject().put("urls", new JsonArray(settings.turn())).put("username", username)
                    .put("credential", credential(settings.turnSecret(), username)));
        }
        return out;
    }

    /** coturn's REST password for {@code username}. */
    static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }
}
