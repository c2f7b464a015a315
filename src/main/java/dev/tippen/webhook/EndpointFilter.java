package dev.tippen.webhook;

import dev.tippen.history.Facts;
import dev.tippen.history.PageRecord;
import dev.tippen.history.VisitRecord;
import dev.tippen.http.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which visits an endpoint hears about. Every list that is not empty must match: a watch list of
 * company names or domains, countries (ISO codes), network kinds, and URL prefixes (a prefix
 * starting with "/" is matched against a page's path, any other against its whole URL). Bots are
 * skipped unless {@code skipBots} is false.
 */
record EndpointFilter(List<String> companies, List<String> countries, List<String> networks, List<String> urlPrefixes,
                      boolean skipBots) {
    static final EndpointFilter ALL = new EndpointFilter(List.of(), List.of(), List.of(), List.of(), true);
    static final Set<String> NETWORKS = Set.of("business", "education", "hosting", "isp", "private");
    private static final Set<String> FIELDS = Set.of("companies", "countries", "networks", "urlPrefixes", "skipBots");
    private static final int MAX_ENTRIES = 100;
    private static final int MAX_ENTRY = 500;

    boolean matches(VisitRecord v) {
        Facts f = v.facts();
        if (skipBots && f.bot()) return false;
        if (!companies.isEmpty() && !company(f)) return false;
        if (!countries.isEmpty() && (f.country() == null || !countries.contains(f.country().toUpperCase(Locale.ROOT)))) return false;
        if (!networks.isEmpty() && (f.network() == null || !networks.contains(f.network()))) return false;
        return urlPrefixes.isEmpty() || page(v);
    }

    private boolean company(Facts f) {
        String name = f.company() == null ? null : f.company().trim().toLowerCase(Locale.ROOT);
        String domain = f.companyDomain() == null ? null : f.companyDomain().trim().toLowerCase(Locale.ROOT);
        for (String c : companies) {
            if (c.equals(name)) return true;
            if (domain != null && (domain.equals(c) || domain.endsWith("." + c))) return true;
        }
        return false;
    }

    private boolean page(VisitRecord v) {
        if (prefixed(v.entryPage()) || prefixed(v.exitPage())) return true;
        for (PageRecord p : v.pages()) if (prefixed(p.url())) return true;
        return false;
    }

    private boolean prefixed(String url) {
        if (url == null) return false;
        String path = null;
        for (String p : urlPrefixes) {
            if (p.startsWith("/")) {
                if (path == null) path = path(url);
                if (path.startsWith(p)) return true;
            } else if (url.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String path(String url) {
        try {
            String p = URI.create(url).getRawPath();
            return p == null || p.isEmpty() ? "/" : p;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    JsonObject toJson() {
        return new JsonObject().put("companies", new JsonArray(companies)).put("countries", new JsonArray(countries))
                .put("networks", new JsonArray(networks)).put("urlPrefixes", new JsonArray(urlPrefixes)).put("skipBots", skipBots);
    }

    /** The filter a request asked for; a 400 that names what is wrong. Null or absent: everything but bots. */
    static EndpointFilter parse(Object json) {
        if (json == null) return ALL;
        if (!(json instanceof JsonObject o)) throw ApiError.badRequest("'filter' must be an object");
        for (String k : o.fieldNames()) {
            if (!FIELDS.contains(k)) throw ApiError.badRequest("'filter." + k + "' is not a filter; use " + String.join(", ", new java.util.TreeSet<>(FIELDS)));
        }
        List<String> companies = list(o, "companies", s -> s.toLowerCase(Locale.ROOT));
        List<String> countries = list(o, "countries", s -> {
            if (!s.matches("[A-Za-z]{2}")) throw ApiError.badRequest("'filter.countries' holds ISO 3166 codes such as DE; '" + clip(s) + "' is not one");
            return s.toUpperCase(Locale.ROOT);
        });
        List<String> networks = list(o, "networks", s -> {
            if (!NETWORKS.contains(s)) throw ApiError.badRequest("'filter.networks' holds " + String.join(", ", new java.util.TreeSet<>(NETWORKS)));
            return s;
        });
        List<String> prefixes = list(o, "urlPrefixes", s -> s);
        Object skip = o.getValue("skipBots");
        if (skip != null && !(skip instanceof Boolean)) throw ApiError.badRequest("'filter.skipBots' must be true or false");
        return new EndpointFilter(companies, countries, networks, prefixes, skip == null || (Boolean) skip);
    }

    private static List<String> list(JsonObject o, String field, java.util.function.UnaryOperator<String> norm) {
        Object v = o.getValue(field);
        if (v == null) return List.of();
        if (!(v instanceof JsonArray a)) throw ApiError.badRequest("'filter." + field + "' must be an array of strings");
        if (a.size() > MAX_ENTRIES) throw ApiError.badRequest("'filter." + field + "' holds at most " + MAX_ENTRIES + " entries");
        List<String> out = new ArrayList<>();
        for (Object e : a) {
            if (!(e instanceof String s) || s.isBlank()) throw ApiError.badRequest("'filter." + field + "' must hold non-empty strings");
            if (s.length() > MAX_ENTRY) throw ApiError.badRequest("'filter." + field + "' entries are at most " + MAX_ENTRY + " characters");
            out.add(norm.apply(s.trim()));
        }
        return List.copyOf(out);
    }

    private static String clip(String s) {
        return s.length() > 20 ? s.substring(0, 20) + "…" : s;
    }
}
