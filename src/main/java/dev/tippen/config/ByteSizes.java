package dev.tippen.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the sizes used on the command line: {@code 0}, {@code 512KB}, {@code 500MB}, {@code 2GB}, {@code 1TB} (powers of 1024). */
public final class ByteSizes {
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*(b|kb|k|kib|mb|m|mib|gb|g|gib|tb|t|tib)?");

    private ByteSizes() {}

    public static long parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty size");
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("size '" + text + "' must look like 0, 512KB, 500MB or 2GB");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) throw new IllegalArgumentException("size '" + text + "' is too large");
        return n << shift;
    }

    /** Rounded for people: whole MB from 10 MB, else whole KB (6,321,012,736 as "6028 MB"). */
    public static String approx(long bytes) {
        return bytes >= 10L << 20 ? Math.round(bytes / 1048576.0) + " MB" : Math.round(bytes / 1024.0) + " KB";
    }

    /** The largest whole unit: 536870912 as "512MB". */
    public static String format(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int i = 0;
        long n = bytes;
        while (i < units.length - 1 && n >= 1024 && n % 1024 == 0) {
            n /= 1024;
            i++;
        }
        return n + units[i];
    }
}
