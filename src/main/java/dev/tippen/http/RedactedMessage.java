package dev.tippen.http;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.regex.Pattern;

/**
 * The log's message converter: whatever a line says, a key in it is not written out. A request's
 * {@code apiKey=} parameter and anything shaped like a secret key lose their value, whoever logged
 * them (Tippen, Vert.x, Netty, a provider's client).
 */
public final class RedactedMessage extends MessageConverter {
    private static final Pattern QUERY_KEY = Pattern.compile("(?i)(apiKey=)[^&\\s\"']+");
    private static final Pattern SECRET = Pattern.compile("\\b(sk|tk|whsec)_[A-Za-z0-9+/=_-]{8,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(Bearer )[^\\s\"']+");

    @Override
    public String convert(ILoggingEvent event) {
        return redact(super.convert(event));
    }

    public static String redact(String line) {
        if (line == null) return null;
        String s = QUERY_KEY.matcher(line).replaceAll("$1***");
        s = SECRET.matcher(s).replaceAll("$1_***");
        return BEARER.matcher(s).replaceAll("$1***");
    }
}
