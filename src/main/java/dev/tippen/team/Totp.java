package dev.tippen.team;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * RFC 6238 codes (java-otp): 6 digits, 30-second steps, HMAC-SHA1, as every authenticator app
 * reads them. A code is accepted for the step before, this one and the one after (clocks drift),
 * and only for a step later than the last one used, so a code seen over a shoulder is spent.
 */
public final class Totp {
    static final Duration STEP = Duration.ofSeconds(30);
    private static final TimeBasedOneTimePasswordGenerator GENERATOR = new TimeBasedOneTimePasswordGenerator(STEP, 6);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new secret: 20 random bytes (RFC 4226's recommended length), in Base32 as apps take it. */
    public static String newSecret() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return Base32.toBase32String(b).replace("=", "");
    }

    /** What an authenticator app scans or is given: {@code otpauth://totp/Tippen:email?secret=...}. */
    public static String uri(String secret, String email) {
        String label = URLEncoder.encode("Tippen:" + email, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=Tippen&algorithm=SHA1&digits=6&period=30";
    }

    /** The code for an instant, as six digits whatever the locale. */
    public static String code(String secret, Instant at) {
        try {
            return String.format(Locale.ROOT, "%06d", GENERATOR.generateOneTimePassword(key(secret), at));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The step the code belongs to (before, at or after now's), or -1 when it matches none. */
    public static long matchingStep(String secret, String code, Instant now) {
        if (code == null || !code.matches("[0-9]{6}")) return -1;
        long step = now.getEpochSecond() / STEP.getSeconds();
        for (long s = step - 1; s <= step + 1; s++) {
            if (java.security.MessageDigest.isEqual(code(secret, Instant.ofEpochSecond(s * STEP.getSeconds())).getBytes(StandardCharsets.US_ASCII),
                    code.getBytes(StandardCharsets.US_ASCII))) {
                return s;
            }
        }
        return -1;
    }

    private static SecretKeySpec key(String secret) {
        String padded = secret + "=".repeat((8 - secret.length() % 8) % 8);
        return new SecretKeySpec(Base32.decode(padded), GENERATOR.getAlgorithm());
    }
}
