package dev.tippen.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a Standard Webhooks signature, written from the specification
 * (standardwebhooks.com) and sharing nothing with the sender: the secret is base64 after "whsec_";
 * the signed content is "{webhook-id}.{webhook-timestamp}.{body}"; the header lists
 * "v1,{base64 HMAC-SHA256}" entries separated by spaces; the timestamp must be within five minutes.
 */
final class StandardWebhooksVerifier {
    private static final long TOLERANCE_SECONDS = 300;
    private final byte[] key;

    StandardWebhooksVerifier(String secret) {
        if (!secret.startsWith("whsec_")) throw new IllegalArgumentException("not a Standard Webhooks secret");
        key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        if (key.length < 24 || key.length > 64) throw new IllegalArgumentException("a secret holds 24 to 64 bytes, not " + key.length);
    }

    boolean verify(String id, String timestamp, String signatureHeader, String body) {
        if (id == null || timestamp == null || signatureHeader == null) return false;
        long ts;
        try {
            ts = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(System.currentTimeMillis() / 1000 - ts) > TOLERANCE_SECONDS) return false;
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (String entry : signatureHeader.split(" ")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !entry.substring(0, comma).equals("v1")) continue;
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) return true;
        }
        return false;
    }

    boolean verify(Receiver.Request r) {
        return verify(r.header("webhook-id"), r.header("webhook-timestamp"), r.header("webhook-signature"), r.body());
    }
}
