package dev.tippen.webhook;

import java.security.SecureRandom;
import java.util.Base64;

/** Identifiers of endpoints, deliveries and messages: a prefix that says which, and 128 random bits. */
final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    static String next(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
