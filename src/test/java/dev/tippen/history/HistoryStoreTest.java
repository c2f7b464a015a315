package dev.tippen.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.stream.Outbox;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The history's rules on both engines: what a visit is, its trail and invites, the reports, pagination, erasure, retention. */
class HistoryStoreTest {
    static final long T0 = Instant.parse("2026-11-02T09:00:00Z").toEpochMilli();
    static final long MIN = 60_000;
    static final String SITE = "site_a";

    private static VisitPageResult all(HistoryDatabase db, String visitorId) throws SQLException {
        try (Connection c = db.reader()) {
            HistoryReader.VisitPage p = HistoryReader.visits(c, new VisitQuery(SITE, 0, Long.MAX_VALUE / 2, visitorId, null, null, null,
                    null, 500, null));
            return new VisitPageResult(p.visits());
        }
    }

    record VisitPageResult(List<VisitRecord> visits) {}

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void theGapAndAnExitEndVisitsAndReturningVisitorsAreNumbered(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            VisitSimulator sim = new VisitSimulator(SITE);
            sim.pageview("v1", "https://shop.example/?utm_source=Newsletter&utm_medium=email&utm_campaign=nov", "Home", "https://news.example/x", T0);
            sim.pageview("v1", "https://shop.example/pricing", "Pricing", null, T0 + 2 * MIN);
            sim.heartbeat("v1", T0 + 3 * MIN);
            // 40 minutes later, past the 30-minute gap: the first visit ended at its last activity, a second begins.
            sim.pageview("v1", "https://shop.example/docs", "Docs", null, T0 + 43 * MIN);
            sim.exit("v1", T0 + 44 * MIN);
            sim.settle(T0 + 45 * MIN);
            sim.pageview("v1", "https://shop.example/", "Home", null, T0 + 50 * MIN);
            db.record(sim.drain());

            List<VisitRecord> visits = all(db, "v1").visits();
            assertThat(visits).hasSize(3);
            VisitRecord first = visits.get(2), second = visits.get(1), third = visits.get(0);
            assertThat(first.visitNumber()).isEqualTo(1);
            assertThat(second.visitNumber()).isEqualTo(2);
            assertThat(third.visitNumber()).isEqualTo(3);
            assertThat(first.endedAt()).isEqualTo(T0 + 3 * MIN);
            assertThat(first.endReason()).isEqualTo("inactive");
            assertThat(first.durationSeconds()).isEqualTo(180);
            assertThat(first.pageViews()).isEqualTo(2);
            assertThat(first.utm().source()).isEqualTo("Newsletter");
            assertThat(first.utm().medium()).isEqualTo("email");
            assertThat(first.utm().campaign()).isEqualTo("nov");
            assertThat(first.source()).isEqualTo("newsletter");
            assertThat(first.referrer()).isEqualTo("https://news.example/x");
            assertThat(first.entryPage()).startsWith("https://shop.example/?utm_source");
            assertThat(first.exitPage()).isEqualTo("https://shop.example/pricing");
            assertThat(first.pages()).extracting(PageRecord::title).containsExactly("Home", "Pricing");
            assertThat(first.pages()).extracting(PageRecord::seconds).containsExactly(120L, 60L);
            assertThat(second.endedAt()).isEqualTo(T0 + 44 * MIN);
            assertThat(second.endReason()).isEqualTo("exit");
            assertThat(second.source()).isEqualTo("(direct)");
            assertThat(third.endedAt()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aTrailKeepsEveryPageInOrderWithItsTime(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            VisitSimulator sim = new VisitSimulator(SITE);
            long t = T0;
            for (int i = 1; i <= 30; i++) {
                sim.pageview("v2", "https://shop.example/p" + i, "Page " + i, null, t);
                t += i * 1000L;
                // Batches of any size give the same history.
                if (i % 7 == 0) db.record(sim.drain());
            }
            sim.exit("v2", t);
            sim.settle(t + 11_000);
            List<HistoryEvent> events = db.record(sim.drain());
            VisitRecord v = all(db, "v2").visits().get(0);
            // What the visit's end tells (the notifications) is the visit as the API reads it.
            assertThat(events).filteredOn(e -> e instanceof HistoryEvent.VisitEnded)
                    .extracting(e -> ((HistoryEvent.VisitEnded) e).visit()).containsExactly(v);
            assertThat(v.pages()).hasSize(30);
            for (int i = 0; i < 30; i++) {
                assertThat(v.pages().get(i).url()).isEqualTo("https://shop.example/p" + (i + 1));
                assertThat(v.pages().get(i).seconds()).isEqualTo(i + 1);
            }
            assertThat(v.pageViews()).isEqualTo(30);
            assertThat(v.durationSeconds()).isEqualTo((t - T0) / 1000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void invitesCarryTheirOutcomes(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            VisitSimulator sim = new VisitSimulator(SITE);
            sim.pageview("v3", "https://shop.example/", "Home", null, T0);
            sim.invite("v3", "inv_a", T0 + MIN);
            sim.answer("v3", true, T0 + 2 * MIN);
            sim.invite("v3", "inv_b", T0 + 3 * MIN);
            sim.answer("v3", false, T0 + 4 * MIN);
            sim.invite("v3", "inv_c", T0 + 5 * MIN);
            sim.heartbeat("v3", T0 + 8 * MIN);
            sim.settle(T0 + 11 * MIN);
            List<HistoryEvent> events = db.record(sim.drain());
            VisitRecord v = all(db, "v3").visits().get(0);
            assertThat(v.invites()).extracting(InviteEntry::inviteId, InviteEntry::outcome)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("inv_a", "accepted"),
                            org.assertj.core.groups.Tuple.tuple("inv_b", "declined"),
                            org.assertj.core.groups.Tuple.tuple("inv_c", "expired"));
            assertThat(v.invites().get(0).answeredAt()).isEqualTo(T0 + 2 * MIN);
            assertThat(events).filteredOn(e -> e instanceof HistoryEvent.InviteChanged)
                    .extracting(e -> ((HistoryEvent.InviteChanged) e).invite().outcome())
                    .containsExactly("pending", "accepted", "pending", "declined", "pending", "expired");
            try (Connection c = db.reader()) {
                List<ReportRow> rows = HistoryReader.report(c, report(Rollup.INVITES, T0, T0));
                assertThat(rows).extracting(ReportRow::key, ReportRow::invites).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("accepted", 1L), org.assertj.core.groups.Tuple.tuple("declined", 1L),
                        org.assertj.core.groups.Tuple.tuple("expired", 1L));
            }
            // Its end tells the visit, invites and all, as the API reads it.
            sim.exit("v3", T0 + 12 * MIN);
            sim.settle(T0 + 13 * MIN);
            List<HistoryEvent> end = db.record(sim.drain());
            VisitRecord ended = all(db, "v3").visits().get(0);
            assertThat(ended.endedAt()).isNotNull();
            assertThat(ended.invites()).hasSize(3);
            assertThat(end).filteredOn(e -> e instanceof HistoryEvent.VisitEnded)
                    .extracting(e -> ((HistoryEvent.VisitEnded) e).visit()).containsExactly(ended);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void reportsEqualABruteForceCountAndNoticesAppliedTwiceCountOnce(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            List<Outbox.Entry> seeded = seed(new Random(7), 600, 20);
            for (int i = 0; i < seeded.size(); i += 97) {
                db.record(seeded.subList(i, Math.min(seeded.size(), i + 97)));
                // The same notices again, while their visits are still open (a retry, a duplicate): nothing may count twice.
                db.record(seeded.subList(Math.max(0, i - 40), Math.min(seeded.size(), i + 97)));
            }
            db.record(seeded.subList(0, seeded.size() / 2));
            List<VisitRecord> visits = all(db, null).visits();
            List<VisitRecord> everything = new ArrayList<>(visits);
            try (Connection c = db.reader()) {
                String cursor = null;
                everything.clear();
                do {
                    HistoryReader.VisitPage p = HistoryReader.visits(c, new VisitQuery(SITE, 0, Long.MAX_VALUE / 2, null, null, null,
                            null, null, 100, cursor == null ? null : Keyset.decode(cursor)));
                    everything.addAll(p.visits());
                    cursor = p.nextCursor();
                } while (cursor != null);
                long from = T0 + 3 * Days.MILLIS, to = T0 + 12 * Days.MILLIS;
                for (String dim : ReportQuery.DIMENSIONS) {
                    Map<String, long[]> expected = bruteForce(everything, dim, Days.of(from), Days.of(to));
                    Map<String, long[]> actual = new TreeMap<>();
                    for (ReportRow r : HistoryReader.report(c, report(dim, from, to))) {
                        actual.put(r.key(), new long[] {r.visits(), r.visitors(), r.pageViews(), r.totalSeconds(), r.daysActive(), r.invites()});
                        if (dim.equals(Rollup.COMPANIES)) assertThat(java.util.Arrays.stream(r.sparkline()).sum()).as("sparkline " + r.key()).isEqualTo(r.visits());
                    }
                    assertThat(actual.keySet()).as(dim).isEqualTo(expected.keySet());
                    for (String key : expected.keySet()) assertThat(actual.get(key)).as(dim + " " + key).containsExactly(expected.get(key));
                }
            }
            assertThat(everything).hasSizeGreaterThan(600);
            // Both kinds of visit are in the reports: ended (from the rollups) and open (added as they stand).
            assertThat(everything).anyMatch(v -> v.endedAt() == null).anyMatch(v -> v.endedAt() != null);
            assertThat(new HashSet<>(everything.stream().map(VisitRecord::visitId).toList())).hasSize(everything.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void pagesOfTheListAreCompleteAndStableWhileVisitsAreWritten(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            db.record(seed(new Random(3), 300, 5));
            Set<String> before = new HashSet<>();
            for (VisitRecord v : allPaged(db)) before.add(v.visitId());
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int round = 0;
            try (Connection c = db.reader()) {
                do {
                    HistoryReader.VisitPage p = HistoryReader.visits(c, new VisitQuery(SITE, 0, Long.MAX_VALUE / 2, null, null, null, null,
                            null, 25, cursor == null ? null : Keyset.decode(cursor)));
                    p.visits().forEach(v -> seen.add(v.visitId()));
                    cursor = p.nextCursor();
                    // Between pages, new visits arrive (newer and, from a lagging outbox, older ones too).
                    VisitSimulator more = new VisitSimulator(SITE, 1_000_000 + round * 100);
                    more.pageview("late_" + round, "https://shop.example/new", "New", null, T0 + 30 * Days.MILLIS + round);
                    more.pageview("early_" + round, "https://shop.example/old", "Old", null, T0 - Days.MILLIS + round);
                    db.record(more.drain());
                    round++;
                } while (cursor != null);
            }
            assertThat(new HashSet<>(seen)).hasSize(seen.size());
            assertThat(seen).containsAll(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aLateCompanyNameMovesTheVisitInTheReports(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            VisitSimulator sim = new VisitSimulator(SITE);
            sim.as("v4", "Comcast", null, "isp", "US", "Desktop", false);
            sim.pageview("v4", "https://shop.example/", "Home", null, T0);
            sim.enrich("v4", VisitSimulator.company("Initech", "initech.example", "business", "US", "Desktop"), T0 + 1000);
            sim.pageview("v4", "https://shop.example/pricing", "Pricing", null, T0 + MIN);
            List<HistoryEvent> events = db.record(sim.drain());
            assertThat(events).filteredOn(e -> e instanceof HistoryEvent.CompanyArrived).hasSize(1);
            try (Connection c = db.reader()) {
                List<ReportRow> rows = HistoryReader.report(c, report(Rollup.COMPANIES, T0, T0));
                assertThat(rows).extracting(ReportRow::key).containsExactly("Initech");
                assertThat(rows.get(0).domain()).isEqualTo("initech.example");
                assertThat(rows.get(0).pageViews()).isEqualTo(2);
                assertThat(rows.get(0).sparkline()).containsExactly(1L);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void erasureRemovesEverythingAndRetentionDeletesWhatExpired(String kind) throws SQLException {
        try (HistoryDatabase db = HistoryStores.open(kind)) {
            VisitSimulator sim = new VisitSimulator(SITE);
            sim.as("gone", "Initech", "initech.example", "business", "DE", "Desktop", false);
            sim.pageview("gone", "https://shop.example/", "Home", null, T0);
            sim.invite("gone", "inv_x", T0 + 1000);
            sim.pageview("kept", "https://shop.example/", "Home", null, T0);
            sim.pageview("old", "https://shop.example/", "Home", null, T0 - 500 * Days.MILLIS);
            db.record(sim.drain());
            sim.erase("gone", T0 + 2000);
            List<HistoryEvent> events = db.record(sim.drain());
            assertThat(events).anyMatch(e -> e instanceof HistoryEvent.VisitorErased x && x.visitorId().equals("gone"));
            assertThat(all(db, "gone").visits()).isEmpty();
            try (Connection c = db.reader()) {
                assertThat(HistoryReader.profile(c, SITE, "gone")).isNull();
                assertThat(HistoryReader.report(c, report(Rollup.COMPANIES, T0, T0))).isEmpty();
                assertThat(count(c, "SELECT COUNT(*) FROM invites")).isZero();
                assertThat(count(c, "SELECT COUNT(*) FROM daily WHERE visitor_id = 'gone'")).isZero();
            }
            Retention retention = new Retention(Duration.ofDays(400), Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC));
            try (Connection w = db.writer()) {
                while (retention.step(w, db.dialect())) {
                    // small chunks until nothing is due
                }
            }
            assertThat(all(db, "old").visits()).isEmpty();
            assertThat(all(db, "kept").visits()).hasSize(1);
            try (Connection c = db.reader()) {
                assertThat(count(c, "SELECT COUNT(*) FROM daily WHERE visitor_id = 'old'")).isZero();
                assertThat(count(c, "SELECT COUNT(*) FROM visitors WHERE visitor_id = 'old'")).isZero();
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static List<VisitRecord> allPaged(HistoryDatabase db) throws SQLException {
        List<VisitRecord> out = new ArrayList<>();
        try (Connection c = db.reader()) {
            String cursor = null;
            do {
                HistoryReader.VisitPage p = HistoryReader.visits(c, new VisitQuery(SITE, 0, Long.MAX_VALUE / 2, null, null, null, null, null,
                        500, cursor == null ? null : Keyset.decode(cursor)));
                out.addAll(p.visits());
                cursor = p.nextCursor();
            } while (cursor != null);
        }
        return out;
    }

    static ReportQuery report(String dim, long from, long to) {
        return new ReportQuery(SITE, dim, Days.of(from), Days.of(to), "visits", 1000);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Visits of realistic shape over {@code days}: returning visitors, companies (some learnt late),
     * consumer ISPs, campaigns and referrers, a few to a few dozen pages with heartbeats, exits and
     * idle endings, and invites with every outcome.
     */
    static List<Outbox.Entry> seed(Random r, int visitors, int days) {
        VisitSimulator sim = new VisitSimulator(SITE);
        String[] companies = {"Initech", "Globex", "Umbrella", "Hooli", "Vandelay", "Acme"};
        String[] pages = {"/", "/pricing", "/docs", "/blog/a", "/blog/b", "/contact", "/about"};
        String[] referrers = {null, "https://www.google.com/", "https://news.example/post", "https://shop.example/self"};
        long[] next = new long[visitors];
        for (int i = 0; i < visitors; i++) {
            String id = "s" + i;
            int c = r.nextInt(companies.length + 3);
            if (c < companies.length) sim.as(id, companies[c], companies[c].toLowerCase() + ".example", "business", "DE", "Desktop", false);
            else sim.as(id, null, null, "isp", c % 2 == 0 ? "FR" : "US", "Mobile", c == companies.length + 2 && i % 5 == 0);
            next[i] = T0 + (long) (r.nextDouble() * days * Days.MILLIS);
        }
        int invites = 0;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < visitors; i++) {
                if (round > 0 && r.nextInt(3) != 0) continue;
                String id = "s" + i;
                long t = next[i] + round * (r.nextInt(5) + 1) * Days.MILLIS / 2;
                int n = 1 + r.nextInt(round == 0 ? 12 : 4);
                for (int p = 0; p < n; p++) {
                    String url = "https://shop.example" + pages[r.nextInt(pages.length)] + (r.nextInt(4) == 0 ? "?utm_source=ads&x=" + p : "");
                    sim.pageview(id, url, "T" + p, p == 0 ? referrers[r.nextInt(referrers.length)] : null, t);
                    t += 1000L * (5 + r.nextInt(120));
                    if (r.nextInt(3) == 0) sim.heartbeat(id, t);
                    if (p == 0 && r.nextInt(10) == 0) sim.enrich(id, VisitSimulator.company("Late Co", "late.example", "business", "NL", "Desktop"), t);
                }
                if (r.nextInt(6) == 0) {
                    sim.invite(id, "inv_" + (++invites), t);
                    int o = r.nextInt(3);
                    if (o < 2) sim.answer(id, o == 0, t + 2000);
                    else sim.settle(t + VisitSimulator.INVITE_TTL.toMillis() + 1);
                }
                if (r.nextBoolean()) {
                    sim.exit(id, t + 1000);
                    sim.settle(t + 20_000);
                } else {
                    sim.sweep(t + VisitSimulator.GAP.toMillis() + 1);
                }
            }
        }
        return sim.drain();
    }

    /** The report computed the slow way, from the visits themselves: {visits, visitors, pageViews, seconds, days, invites}. */
    static Map<String, long[]> bruteForce(List<VisitRecord> visits, String dim, long fromDay, long toDay) {
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, Set<String>> people = new HashMap<>();
        Map<String, Set<Long>> dayset = new HashMap<>();
        for (VisitRecord v : visits) {
            long day = Days.of(v.startedAt());
            if (day < fromDay || day > toDay) continue;
            Map<String, long[]> keys = new LinkedHashMap<>();
            switch (dim) {
                case Rollup.COMPANIES -> {
                    if (v.facts().namedCompany()) keys.put(v.facts().company(), visitSums(v, v.invites().size()));
                }
                case Rollup.SOURCES -> keys.put(v.source(), visitSums(v, v.invites().size()));
                case Rollup.COUNTRIES -> keys.put(v.facts().country() == null ? Rollup.UNKNOWN : v.facts().country(), visitSums(v, v.invites().size()));
                case Rollup.DEVICES -> keys.put(v.facts().device() == null ? Rollup.UNKNOWN : v.facts().device(), visitSums(v, v.invites().size()));
                case Rollup.INVITES -> {
                    Map<String, Integer> byOutcome = new TreeMap<>();
                    for (InviteEntry i : v.invites()) byOutcome.merge(i.outcome(), 1, Integer::sum);
                    byOutcome.forEach((o, n) -> keys.put(o, visitSums(v, n)));
                }
                case Rollup.PAGES -> {
                    for (PageRecord p : v.pages()) {
                        String k = Rollup.page(p.url());
                        long[] s = keys.computeIfAbsent(k, x -> new long[6]);
                        s[0] = 1;
                        s[2]++;
                        s[3] += p.seconds();
                    }
                }
                default -> throw new IllegalArgumentException(dim);
            }
            for (Map.Entry<String, long[]> e : keys.entrySet()) {
                long[] s = sums.computeIfAbsent(e.getKey(), k -> new long[6]);
                for (int i = 0; i < 6; i++) s[i] += e.getValue()[i];
                people.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(v.visitorId());
                dayset.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(day);
            }
        }
        for (Map.Entry<String, long[]> e : sums.entrySet()) {
            e.getValue()[1] = people.get(e.getKey()).size();
            e.getValue()[4] = dayset.get(e.getKey()).size();
        }
        return sums;
    }

    /**
     * A generic plan (made once a statement has run five times) skipped the reports' index and sorted
     * on disk: the API's reads on PostgreSQL are planned with their values every time.
     */
    @org.junit.jupiter.api.Test
    void postgresReadsArePlannedWithTheirValues() throws SQLException {
        try (HistoryDatabase db = HistoryStores.open("postgres"); Connection c = db.reader();
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SHOW plan_cache_mode")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("force_custom_plan");
        }
    }

    private static long[] visitSums(VisitRecord v, int invites) {
        return new long[] {1, 0, v.pageViews(), v.durationSeconds(), 0, invites};
    }
}
