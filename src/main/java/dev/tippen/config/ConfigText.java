package dev.tippen.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Configuration written out as TOML: the sample file, every option commented with its default, made
 * from the options themselves so that it cannot drift from them; and the effective configuration with
 * where each value came from and secrets masked.
 */
public final class ConfigText {
    static final String MASK = "********";
    private static final int WIDTH = 98;

    private ConfigText() {}

    /** Writes the sample file; the release build calls this with the file's path. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, sample());
    }

    public static String sample() {
        StringBuilder out = new StringBuilder();
        out.append("# Tippen's configuration: tippen serve --config tippen.toml\n")
                .append("#\n")
                .append("# Every key is a flag of 'tippen serve' without its dashes, and a TIPPEN_* variable\n")
                .append("# (visitor-ttl: --visitor-ttl, TIPPEN_VISITOR_TTL). Flags win over variables, and\n")
                .append("# variables over this file. Each line below is commented out and holds the default;\n")
                .append("# 'tippen config print' shows what a server would run with, and where each value came from.\n")
                .append("# Durations: 500ms, 10s, 30m, 2h, 400d. Sizes: 64KB, 8MB, 2GB.\n");
        for (OptionSpec o : ServeOptions.specs()) {
            String name = ServeOptions.name(o);
            String section = ServeOptions.SECTIONS.get(name);
            if (section != null) out.append("\n# ").append("=".repeat(3)).append(' ').append(section).append(' ').append("=".repeat(3)).append('\n');
            out.append('\n');
            for (String line : wrap(description(o), WIDTH - 2)) out.append("# ").append(line).append('\n');
            out.append("# ").append(name).append(" = ").append(literal(o, o.defaultValue())).append('\n');
        }
        return out.toString();
    }

    /**
     * The effective values, one line each: {@code port = 8787  # TIPPEN_PORT}, with what a value
     * comes to where the option's own value does not say it ({@code derived}, by name).
     */
    public static String effective(Collection<OptionSpec> options, Map<String, String> origins, Map<String, String> derived) {
        StringBuilder out = new StringBuilder();
        for (OptionSpec o : options) {
            String name = ServeOptions.name(o);
            if (!origins.containsKey(name)) continue;
            String value = masked(name, o, o.getValue());
            out.append(name).append(" = ").append(value).append("  # ").append(origins.get(name));
            String comes = derived.get(name);
            if (comes != null && ("0".equals(value) || "\"0\"".equals(value))) out.append("; ").append(comes);
            out.append('\n');
        }
        return out.toString();
    }

    private static String masked(String name, OptionSpec o, Object value) {
        if (ServeOptions.SECRETS.contains(name) && value != null && !value.toString().isBlank()) return quote(MASK);
        if (value instanceof String s && s.contains("://")) return quote(withoutPassword(s));
        return literal(o, value);
    }

    /** A URL's password (redis://:secret@host, postgres://user:secret@host/db) replaced by the mask. */
    static String withoutPassword(String url) {
        try {
            URI u = URI.create(url);
            String info = u.getRawUserInfo();
            if (info == null) return url;
            int colon = info.indexOf(':');
            String masked = colon < 0 ? MASK : info.substring(0, colon + 1) + MASK;
            return url.replace(info + "@", masked + "@");
        } catch (IllegalArgumentException e) {
            return url.replaceAll("//[^/@]*@", "//" + MASK + "@");
        }
    }

    private static String literal(OptionSpec o, Object value) {
        if (value == null) return "\"\"";
        if (value instanceof Boolean || value instanceof Integer) return value.toString();
        if (o.isMultiValue()) {
            List<String> items = new ArrayList<>();
            Iterable<?> values = value instanceof Iterable<?> it ? it : List.of(value.toString().split(","));
            for (Object item : values) {
                if (!item.toString().isBlank()) items.add(quote(item.toString().trim()));
            }
            return "[" + String.join(", ", items) + "]";
        }
        String text = value.toString();
        if (o.type() == int.class || o.type() == boolean.class) return text;
        return quote(text);
    }

    private static String description(OptionSpec o) {
        String text = String.join(" ", o.description());
        return text.replace("${DEFAULT-VALUE}", o.defaultValue() == null ? "" : o.defaultValue()).replace("%%", "%");
    }

    /** A TOML basic string. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }
}
