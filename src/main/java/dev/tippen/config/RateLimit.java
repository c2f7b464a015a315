package dev.tippen.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token bucket's shape: {@code perSecond} sustained, up to {@code burst} at once. Written
 * {@code 100/s:1000} (100 per second, bursts of 1,000), {@code 100/s} (burst = one second's worth)
 * or {@code off}.
 */
public record RateLimit(long perSecond, long burst) {
    private static final Pattern FORM = Pattern.compile("(\\d+)/s(?::(\\d+))?");

    public RateLimit {
        if (perSecond < 1 || burst < 1) throw new IllegalArgumentException("a rate limit needs a positive rate and burst");
    }

    /** Null means no limit. */
    public static RateLimit parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("off") || t.equals("0")) return null;
        Matcher m = FORM.matcher(t);
        if (!m.matches()) throw new IllegalArgumentException("rate limit '" + text + "' must look like 100/s, 100/s:1000 or off");
        long rate = Long.parseLong(m.group(1));
        return new RateLimit(rate, m.group(2) == null ? rate : Long.parseLong(m.group(2)));
    }

    @Override
    public String toString() {
        return perSecond + "/s:" + burst;
    }
}
