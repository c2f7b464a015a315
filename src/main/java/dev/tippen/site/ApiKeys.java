package dev.tippen.site;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Makes and hashes keys. Keys carry 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
public final class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    public static final String PUBLIC_PREFIX = "pk_";
    public static final String SECRET_PREFIX = "sk_";
    public static final String SINGLE_PREFIX = "tk_";

    private ApiKeys() {}

    public static String newKey(KeyRole role) {
        String prefix = switch (role) {
            case PUBLIC -> PUBLIC_PREFIX;
            case SECRET -> SECRET_PREFIX;
            case BOTH -> SINGLE_PREFIX;
        };
        return prefix + randomToken(32);
    }

    public static String newSiteId() {
        return "site_" + randomToken(12);
    }

    /** {@code chars} base-62 characters; 32 of them hold about 190 bits. */
    public static String randomToken(int chars) {
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }

    public static String hash(String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Enough of a key to recognise it: {@code sk_Ab12…xY9z}. */
    public static String hint(String key) {
        if (key.length() <= 12) return key.substring(0, Math.min(4, key.length())) + "…";
        return key.substring(0, 7) + "…" + key.substring(key.length() - 4);
    }
}
