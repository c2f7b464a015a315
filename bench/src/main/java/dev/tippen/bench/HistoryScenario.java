package dev.tippen.bench;

import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.engine.embedded.SqliteKeyStore;
import dev.tippen.history.HistoryDatabase;
import dev.tippen.history.VisitSimulator;
import dev.tippen.site.KeyStore;
import dev.tippen.stream.Outbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code history-queries}: seeds a history of realistic shape (one site; visits over 90 days from
 * returning visitors, a share of them from a few thousand companies, a few pages each, invites now
 * and then) through the same projection the server records with, then starts a server on it and
 * times the API: the 90-day companies report, a page of the visits list (first and deep), a
 * visitor's profile.
 */
final class HistoryScenario {
    static final int DAYS = 90;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HistoryScenario() {}

    /** Seeds {@code visits} visits with about {@code pagesPerVisit} page views each; returns the seeding figures. */
    static Map<String, Object> seed(HistoryDatabase db, String siteId, int visits, int pagesPerVisit, long end) {
        Random r = new Random(42);
        int visitors = Math.max(1, visits * 3 / 10);
        int companies = Math.max(1, visits / 200);
        VisitSimulator sim = new VisitSimulator(siteId);
        long start = end - DAYS * 86_400_000L;
        long step = DAYS * 86_400_000L / visits;
        long pageViews = 0;
        long entries = 0;
        long t0 = System.nanoTime();
        List<Outbox.Entry> batch = new ArrayList<>(4096);
        for (int i = 0; i < visits; i++) {
            long t = start + i * step;
            // Returning visitors: a skewed pick, so some come back often.
            int v = (int) (Math.abs(r.nextGaussian()) * visitors / 3) % visitors;
            String id = "b" + v;
            if (v % 10 < 3) {
                // Every company gets visitors: v % 10 < 3 here, so v % companies alone would reach only 3 in 10.
                int c = (v / 10) % companies;
                sim.as(id, "Company " + c, "company" + c + ".example", "business", COUNTRIES[c % COUNTRIES.length], "Desktop", false);
            } else {
                sim.as(id, "Carrier " + (v % 7), null, "isp", COUNTRIES[v % COUNTRIES.length], v % 2 == 0 ? "Mobile" : "Desktop", false);
            }
            int n = 1 + r.nextInt(2 * pagesPerVisit - 1);
            for (int p = 0; p < n; p++) {
                String url = "https://shop.example" + PAGES[r.nextInt(PAGES.length)] + (p == 0 && r.nextInt(5) == 0 ? "?utm_source=ads" : "");
                sim.pageview(id, url, "Page " + p, p == 0 ? REFERRERS[r.nextInt(REFERRERS.length)] : null, t);
                t += 1000L * (3 + r.nextInt(90));
                pageViews++;
            }
            if (r.nextInt(100) == 0) {
                sim.invite(id, "inv_" + i, t);
                sim.answer(id, r.nextBoolean(), t + 5000);
            }
            sim.exit(id, t + 1000);
            sim.settle(id, t + 12_000);
            sim.forget(id);
            batch.addAll(sim.drain());
            if (batch.size() >= 2000) {
                entries += batch.size();
                db.record(batch);
                batch.clear();
            }
        }
        entries += batch.size();
        db.record(batch);
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("visits", visits);
        out.put("page_views", pageViews);
        out.put("visitors", visitors);
        out.put("companies", companies);
        out.put("seed_seconds", Latencies.round(secs));
        out.put("recorded_changes_per_s", Math.round(entries / secs));
        return out;
    }

    /** Times the API on a server holding the seeded history. */
    static Map<String, Object> queries(ChildServer server, String secret, long end, int repeats) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        String to = java.time.Instant.ofEpochMilli(end).toString();
        String from = java.time.Instant.ofEpochMilli(end - DAYS * 86_400_000L).toString();
        out.put("companies_report_90d", time(server, secret, "/api/reports/companies?from=" + from + "&to=" + to, repeats));
        out.put("pages_report_90d", time(server, secret, "/api/reports/pages?from=" + from + "&to=" + to, repeats));
        out.put("visits_first_page", time(server, secret, "/api/visits?limit=50&from=" + from + "&to=" + to, repeats));
        // A page deep into the list: follow cursors 20 pages in, then time that page.
        String cursor = null;
        for (int i = 0; i < 20; i++) {
            String body = get(server, secret, "/api/visits?limit=50&from=" + from + "&to=" + to + (cursor == null ? "" : "&cursor=" + cursor));
            cursor = new io.vertx.core.json.JsonObject(body).getString("nextCursor");
        }
        out.put("visits_page_21", time(server, secret, "/api/visits?limit=50&from=" + from + "&to=" + to + "&cursor=" + cursor, repeats));
        out.put("visits_of_one_company", time(server, secret, "/api/visits?limit=50&company=Company%207&from=" + from + "&to=" + to, repeats));
        // b0 is the visitor who came back most often.
        out.put("visitor_profile", time(server, secret, "/api/visitors/b0", repeats));
        out.put("visitor_profile_visits", new io.vertx.core.json.JsonObject(get(server, secret, "/api/visitors/b0"))
                .getJsonArray("visits").size());
        return out;
    }

    private static Map<String, Object> time(ChildServer server, String secret, String path, int repeats) throws Exception {
        get(server, secret, path); // warm: the first read of a page set pays for the disk
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            get(server, secret, path);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("median_ms", Latencies.round(ms[repeats / 2]));
        r.put("p90_ms", Latencies.round(ms[(int) Math.min(repeats - 1, Math.ceil(repeats * 0.9) - 1)]));
        return r;
    }

    private static String get(ChildServer server, String secret, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + secret).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    /** A data dir with one site and an empty history; the site is returned. */
    static KeyStore.CreatedSite dataDir(Path dir) {
        try (SqliteKeyStore keys = new SqliteKeyStore(SqliteDatabase.open(dir))) {
            return keys.createSite("history-bench", false);
        }
    }

    static Path tempDir() throws java.io.IOException {
        return Files.createTempDirectory("tippen-history-bench");
    }

    private static final String[] COUNTRIES = {"DE", "US", "FR", "GB", "NL", "SE", "JP", "BR"};
    private static final String[] PAGES = {"/", "/pricing", "/docs", "/docs/api", "/blog/launch", "/blog/scale", "/contact",
            "/about", "/customers", "/careers", "/security", "/integrations"};
    private static final String[] REFERRERS = {null, null, "https://www.google.com/", "https://www.linkedin.com/",
            "https://news.ycombinator.com/", "https://partner.example/list"};
}
