package dev.tippen.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TOML configuration file: flat keys named like the flags ({@code port = 8787},
 * {@code visitor-ttl = "30m"}, {@code trusted-proxy = ["10.0.0.0/8"]}). Each value is kept as the
 * text a flag would carry, so one parser (picocli's, then {@link ConfigRules}) reads all three sources.
 * TOML rather than YAML: no indentation to get wrong, no "no" that turns into false, and comments.
 */
public record ConfigFile(Path path, Map<String, String> values) {
    /** Longer than any real configuration; a bigger file is a mistake, not something to read into memory. */
    static final long MAX_BYTES = 1024 * 1024;

    public ConfigFile {
        values = Map.copyOf(values);
    }

    /**
     * Reads a file whose keys must all be among {@code known}; every unknown key is named in the
     * error, with the nearest known name.
     *
     * @param lists the keys whose value may be an array
     */
    public static ConfigFile read(Path path, Collection<String> known, Collection<String> lists) {
        JsonNode root;
        try {
            if (Files.size(path) > MAX_BYTES) throw new IllegalArgumentException(path + ": larger than 1 MB; is this the right file?");
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                root = new TomlMapper().readTree(in);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (JacksonException e) {
            throw new IllegalArgumentException(path + ": not valid TOML: " + e.getOriginalMessage() + location(e));
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (!known.contains(key)) {
                String near = nearest(key, known);
                problems.add("unknown key '" + key + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
                continue;
            }
            try {
                values.put(key, text(e.getValue(), lists.contains(key)));
            } catch (IllegalArgumentException bad) {
                problems.add(key + ": " + bad.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException(path + ": " + String.join("; ", problems));
        return new ConfigFile(path, values);
    }

    public String value(String key) {
        return values.get(key);
    }

    /** A value as a flag would carry it: arrays joined with commas, as the list options split them. */
    private static String text(JsonNode v, boolean list) {
        if (v.isTextual()) return v.textValue();
        if (v.isIntegralNumber() || v.isBoolean()) return v.asText();
        if (v.isArray()) {
            if (!list) throw new IllegalArgumentException("takes one value, not a list");
            List<String> items = new ArrayList<>();
            for (JsonNode item : v) {
                if (!item.isTextual() || item.textValue().contains(",")) throw new IllegalArgumentException("a list of strings without commas");
                items.add(item.textValue());
            }
            return String.join(",", items);
        }
        if (v.isObject()) throw new IllegalArgumentException("tables are not read: write each option as a key at the top of the file");
        if (v.isNumber()) throw new IllegalArgumentException("a whole number, or a string such as \"1.5s\"");
        throw new IllegalArgumentException("a string, a whole number or true/false");
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** The known key closest in edit distance, when it is close enough to be what was meant. */
    static String nearest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
