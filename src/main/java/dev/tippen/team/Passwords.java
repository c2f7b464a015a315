package dev.tippen.team;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Passwords are hashed with Argon2id (Bouncy Castle) at OWASP's minimum (19 MiB, 2 passes, 1 lane),
 * with a random 16-byte salt, and kept as PHC strings: {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}.
 * A stored hash is checked with the parameters it names, so raising them later leaves old ones valid.
 * Each hash or check takes tens of milliseconds and 19 MiB: callers run it on a small pool of its
 * own, never on an event loop.
 */
public final class Passwords {
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int HASH_BYTES = 32;
    /** Shortest and longest accepted: NIST's 8 is too few for a team console; past 128 is no password. */
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 128;
    /** The most memory a stored hash may ask for when checked: a tampered row must not take the heap. */
    static final int MAX_MEMORY_KIB = 256 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    /** Checked against when the e-mail is unknown, so the answer takes as long either way. */
    private static final String DECOY = hash("decoy password that matches nothing");

    private Passwords() {
    }

    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = argon2id(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(out);
    }

    /** True when the password matches the stored hash; a null hash (no such account) costs the same and is false. */
    public static boolean check(String password, String storedHash) {
        if (storedHash == null) {
            check(password, DECOY);
            return false;
        }
        // $argon2id$v=19$m=...,t=...,p=...$salt$hash
        String[] parts = storedHash.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) return false;
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] pair = kv.split("=", 2);
            if (pair.length != 2) return false;
            int v;
            try {
                v = Integer.parseInt(pair[1]);
            } catch (NumberFormatException e) {
                return false;
            }
            switch (pair[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> {
                    return false;
                }
            }
        }
        if (m < 8 || m > MAX_MEMORY_KIB || t < 1 || t > 10 || p < 1 || p > 4) return false;
        byte[] salt;
        byte[] expected;
        try {
            salt = B64D.decode(parts[4]);
            expected = B64D.decode(parts[5]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (expected.length < 16 || expected.length > 64) return false;
        return MessageDigest.isEqual(expected, argon2id(password, salt, m, t, p, expected.length));
    }

    private static byte[] argon2id(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** Why a new password is refused, or null when it is fine. */
    public static String problem(String password) {
        if (password == null || password.isEmpty()) return "a password is required";
        if (password.length() < MIN_LENGTH) return "the password needs at least " + MIN_LENGTH + " characters";
        if (password.length() > MAX_LENGTH) return "the password may have at most " + MAX_LENGTH + " characters";
        return null;
    }
}
