package dev.tippen.site;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A visitor's token: proof that a socket belongs to the browser that tracked the visitor, not to
 * whoever learnt the visitor's id (ids appear in webhooks, Slack messages, CSV exports and console
 * links). It is an HMAC-SHA256 (the JDK's) of the site and the visitor under the installation's
 * secret, handed to the tracker with every tracked event: stateless, so any node checks it.
 */
public final class VisitorTokens {
    /** 128 bits of the MAC, base64url: 22 characters. */
    private static final int BYTES = 16;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public VisitorTokens(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    public String issue(String siteId, String visitorId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(siteId, visitorId));
    }

    /** Whether {@code token} is this visitor's, compared in constant time. */
    public boolean valid(String siteId, String visitorId, String token) {
        if (token == null || token.length() != 22) return false;
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac(siteId, visitorId));
    }

    private byte[] mac(String siteId, String visitorId) {
        Mac m = macs.get();
        m.update(siteId.getBytes(StandardCharsets.UTF_8));
        m.update((byte) 0);
        return Arrays.copyOf(m.doFinal(visitorId.getBytes(StandardCharsets.UTF_8)), BYTES);
    }
}
