package dev.tippen.visitor;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The campaign tags of a visit's entry URL ({@code utm_source} and its four siblings); null when it has none. */
public record Utm(String source, String medium, String campaign, String term, String content) {
    static final int MAX = 128;

    /** Reads the tags from a URL's query; never throws on a malformed one. */
    public static Utm of(String url) {
        if (url == null) return null;
        int q = url.indexOf('?');
        if (q < 0) return null;
        int hash = url.indexOf('#', q);
        String query = url.substring(q + 1, hash < 0 ? url.length() : hash);
        String source = null, medium = null, campaign = null, term = null, content = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String name = pair.substring(0, eq);
            if (!name.startsWith("utm_")) continue;
            String value = decode(pair.substring(eq + 1));
            if (value == null || value.isEmpty()) continue;
            switch (name) {
                case "utm_source" -> source = value;
                case "utm_medium" -> medium = value;
                case "utm_campaign" -> campaign = value;
                case "utm_term" -> term = value;
                case "utm_content" -> content = value;
                default -> { }
            }
        }
        if (source == null && medium == null && campaign == null && term == null && content == null) return null;
        return new Utm(source, medium, campaign, term, content);
    }

    private static String decode(String raw) {
        try {
            String v = URLDecoder.decode(raw, StandardCharsets.UTF_8);
            return v.length() > MAX ? v.substring(0, MAX) : v;
        } catch (IllegalArgumentException e) {
            return raw.length() > MAX ? raw.substring(0, MAX) : raw;
        }
    }
}
