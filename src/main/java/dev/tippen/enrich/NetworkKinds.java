package dev.tippen.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sorts a network into hosting, isp, education or business, by the rules in
 * {@code enrich/network-kinds.txt}: a list of well-known systems by number, then words in the
 * organisation's name. A visit from a consumer ISP says nothing about a company; one from a cloud is
 * often a machine.
 */
public final class NetworkKinds {
    public static final String HOSTING = "hosting";
    public static final String ISP = "isp";
    public static final String EDUCATION = "education";
    public static final String BUSINESS = "business";
    /** An address that is not on the internet (private, loopback, link-local, carrier-grade NAT, documentation). */
    public static final String PRIVATE = "private";

    private record Word(Pattern pattern, String kind) {}

    private final Map<Long, String> byAsn;
    private final List<Word> words;

    private NetworkKinds(Map<Long, String> byAsn, List<Word> words) {
        this.byAsn = byAsn;
        this.words = words;
    }

    public static NetworkKinds standard() {
        try (InputStream in = NetworkKinds.class.getResourceAsStream("/enrich/network-kinds.txt")) {
            if (in == null) throw new IllegalStateException("enrich/network-kinds.txt missing from the build");
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NetworkKinds parse(List<String> lines) {
        Map<Long, String> byAsn = new HashMap<>();
        List<Word> words = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\s+", 3);
            if (f.length < 3) throw new IllegalStateException("network-kinds.txt: cannot read '" + line + "'");
            if (f[0].equals("as")) {
                byAsn.putIfAbsent(Long.parseLong(f[1]), f[2].split("\\s+")[0]);
            } else if (f[0].equals("word")) {
                words.add(new Word(Pattern.compile("\\b" + Pattern.quote(f[2].toLowerCase(Locale.ROOT)) + "\\b"), f[1]));
            } else {
                throw new IllegalStateException("network-kinds.txt: unknown rule '" + f[0] + "'");
            }
        }
        return new NetworkKinds(Map.copyOf(byAsn), List.copyOf(words));
    }

    public String kindOf(AsnRecord r) {
        if (r == null) return null;
        String k = byAsn.get(r.asn());
        if (k != null) return k;
        if (r.organization() != null) {
            String name = r.organization().toLowerCase(Locale.ROOT);
            for (Word w : words) if (w.pattern().matcher(name).find()) return w.kind();
        }
        return BUSINESS;
    }
}
