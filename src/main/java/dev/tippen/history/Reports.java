package dev.tippen.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A report over the daily rollups. The database adds the rows up per key (sums, distinct visitors,
 * distinct days), so the server holds at most {@code limit} rows and the open visits, whatever the
 * range: adding them up in Java once held every (key, visitor) of the range, which for the pages
 * of 1,000,000 visits was more than the heap. Open visits are added to the keys they touch, each
 * visitor and day counted only if the rollups do not have it already.
 */
final class Reports {
    private static final int CHUNK = 400;
    private static final Set<String> DIMENSIONS = Set.of(Rollup.COMPANIES, Rollup.PAGES, Rollup.SOURCES, Rollup.COUNTRIES,
            Rollup.DEVICES, Rollup.INVITES);

    private Reports() {}

    /** What the open visits add to one key. */
    private static final class Extra {
        final Rollup.Sums sums = new Rollup.Sums();
        final Set<String> visitors = new HashSet<>();
        final Set<Long> days = new HashSet<>();
        final Map<Long, Long> visitsByDay = new HashMap<>();
        int newVisitors;
        int newDays;
    }

    static List<ReportRow> report(Connection c, ReportQuery q) throws SQLException {
        Map<String, Extra> extra = openVisits(c, q);
        PriorityQueue<ReportRow> top = new PriorityQueue<>(q.limit() + 1, q.order().reversed());
        Set<String> matched = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT key, SUM(visits), SUM(page_views), SUM(seconds), MAX(last_seen), "
                + "SUM(invites), SUM(accepted), SUM(declined), COUNT(DISTINCT visitor_id), COUNT(DISTINCT day) FROM " + source(c, q)
                + " WHERE site_id = ? AND " + dimension(q) + " AND day >= ? AND day <= ? GROUP BY key")) {
            int i = 1;
            ps.setString(i++, q.siteId());
            if (!q.dimension().equals(Rollup.COMPANIES)) ps.setString(i++, q.dimension());
            ps.setLong(i++, q.fromDay());
            ps.setLong(i, q.toDay());
            ps.setFetchSize(1_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    Extra e = extra.get(key);
                    if (e != null) matched.add(key);
                    long visits = rs.getLong(2);
                    long pageViews = rs.getLong(3);
                    long seconds = rs.getLong(4);
                    long lastSeen = rs.getLong(5);
                    long invites = rs.getLong(6);
                    long accepted = rs.getLong(7);
                    long declined = rs.getLong(8);
                    long visitors = rs.getLong(9);
                    long days = rs.getLong(10);
                    if (e != null) {
                        visits += e.sums.visits;
                        pageViews += e.sums.pageViews;
                        seconds += e.sums.seconds;
                        lastSeen = Math.max(lastSeen, e.sums.lastSeen);
                        invites += e.sums.invites;
                        accepted += e.sums.accepted;
                        declined += e.sums.declined;
                        visitors += e.newVisitors;
                        days += e.newDays;
                    }
                    offer(top, q, new ReportRow(key, visits, visitors, pageViews, seconds, lastSeen, days, invites, accepted, declined,
                            null, null, null));
                }
            }
        }
        // Keys only the open visits have.
        for (Map.Entry<String, Extra> en : extra.entrySet()) {
            if (matched.contains(en.getKey())) continue;
            Extra e = en.getValue();
            Rollup.Sums s = e.sums;
            offer(top, q, new ReportRow(en.getKey(), s.visits, e.visitors.size(), s.pageViews, s.seconds, s.lastSeen, e.days.size(),
                    s.invites, s.accepted, s.declined, null, null, null));
        }
        List<ReportRow> rows = new ArrayList<>(top);
        rows.sort(q.order());
        if (q.dimension().equals(Rollup.COMPANIES) && !rows.isEmpty()) rows = sparklines(c, q, rows, extra);
        return rows;
    }

    /**
     * Where the report reads its rows. Companies have an index in company order, which spares the
     * sort of every row of the range but reads every day of the site's rollups: SQLite is told to
     * use it when the range covers at least half of them (PostgreSQL's planner weighs this itself).
     * For companies the dimension is written into the SQL, so both engines see that the partial
     * index applies; the others keep it a parameter, as their plans were measured with.
     */
    private static String source(Connection c, ReportQuery q) throws SQLException {
        if (!DIMENSIONS.contains(q.dimension())) throw new IllegalArgumentException("no such report: " + q.dimension());
        if (!q.dimension().equals(Rollup.COMPANIES) || !c.getMetaData().getURL().startsWith("jdbc:sqlite:")) return "daily";
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(day) FROM daily WHERE site_id = ? AND dim = 'companies'")) {
            ps.setString(1, q.siteId());
            try (ResultSet rs = ps.executeQuery()) {
                long first = rs.next() ? rs.getLong(1) : q.fromDay();
                long span = Math.max(1, q.toDay() - Math.min(first, q.fromDay()) + 1);
                return 2 * (q.toDay() - q.fromDay() + 1) >= span ? "daily INDEXED BY daily_companies" : "daily";
            }
        }
    }

    private static String dimension(ReportQuery q) {
        return q.dimension().equals(Rollup.COMPANIES) ? "dim = 'companies'" : "dim = ?";
    }

    private static void offer(PriorityQueue<ReportRow> top, ReportQuery q, ReportRow row) {
        if (row.visits() <= 0 && row.pageViews() <= 0 && row.invites() <= 0) return;
        top.add(row);
        if (top.size() > q.limit()) top.poll();
    }

    /** The open visits' part of the report, with which of their visitors and days the rollups already count. */
    private static Map<String, Extra> openVisits(Connection c, ReportQuery q) throws SQLException {
        Map<Rollup.Cell, Rollup.Sums> cells = openCells(c, q);
        Map<String, Extra> out = new HashMap<>();
        for (Map.Entry<Rollup.Cell, Rollup.Sums> en : cells.entrySet()) {
            Rollup.Cell k = en.getKey();
            Extra e = out.computeIfAbsent(k.key(), x -> new Extra());
            e.sums.add(en.getValue(), 1);
            e.visitors.add(k.visitorId());
            e.days.add(k.day());
            e.visitsByDay.merge(k.day(), en.getValue().visits, Long::sum);
        }
        if (out.isEmpty()) return out;
        // Which open (key, visitor) pairs the rollups already count: read through the visitors' own
        // rows (daily_visitor), so a popular key's many other visitors are never read.
        Set<String> visitors = new HashSet<>();
        Map<Long, Set<String>> keysByDay = new HashMap<>();
        for (Map.Entry<String, Extra> en : out.entrySet()) {
            visitors.addAll(en.getValue().visitors);
            for (Long d : en.getValue().days) keysByDay.computeIfAbsent(d, x -> new HashSet<>()).add(en.getKey());
        }
        Set<String> seenVisitor = new HashSet<>();
        List<String> ids = new ArrayList<>(visitors);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT key, visitor_id FROM daily WHERE site_id = ? AND visitor_id IN ("
                    + "?, ".repeat(chunk.size() - 1) + "?) AND dim = ? AND day >= ? AND day <= ?")) {
                int i = 1;
                ps.setString(i++, q.siteId());
                for (String id : chunk) ps.setString(i++, id);
                ps.setString(i++, q.dimension());
                ps.setLong(i++, q.fromDay());
                ps.setLong(i, q.toDay());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) seenVisitor.add(rs.getString(1) + '\u0000' + rs.getString(2));
                }
            }
        }
        // Which open (key, day) pairs they already count: a seek per day into the rollups' own order.
        Set<String> seenDay = new HashSet<>();
        for (Map.Entry<Long, Set<String>> en : keysByDay.entrySet()) {
            List<String> keys = new ArrayList<>(en.getValue());
            for (int from = 0; from < keys.size(); from += CHUNK) {
                List<String> chunk = keys.subList(from, Math.min(keys.size(), from + CHUNK));
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT key FROM daily WHERE site_id = ? AND dim = ? AND day = ? "
                        + "AND key IN (" + "?, ".repeat(chunk.size() - 1) + "?)")) {
                    int i = 1;
                    ps.setString(i++, q.siteId());
                    ps.setString(i++, q.dimension());
                    ps.setLong(i++, en.getKey());
                    for (String k : chunk) ps.setString(i++, k);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) seenDay.add(rs.getString(1) + '\u0000' + en.getKey());
                    }
                }
            }
        }
        for (Map.Entry<String, Extra> en : out.entrySet()) {
            Extra e = en.getValue();
            for (String v : e.visitors) if (!seenVisitor.contains(en.getKey() + '\u0000' + v)) e.newVisitors++;
            for (Long d : e.days) if (!seenDay.contains(en.getKey() + '\u0000' + d)) e.newDays++;
        }
        return out;
    }

    /** The open visits' cells of this dimension, as the rollups would hold them once the visits end. */
    private static Map<Rollup.Cell, Rollup.Sums> openCells(Connection c, ReportQuery q) throws SQLException {
        Map<Rollup.Cell, Rollup.Sums> open = new HashMap<>();
        for (VisitRow v : HistoryReader.openVisits(c, q)) {
            if (q.dimension().equals(Rollup.PAGES)) {
                List<Rollup.StoredPage> pages = HistoryReader.storedPages(c, q.siteId(), v.visitId);
                Rollup.pages(v, pages, Rollup.seconds(pages, v.lastAt), open);
            } else {
                for (Map.Entry<Rollup.Cell, Rollup.Sums> e : Rollup.of(v).entrySet()) {
                    if (e.getKey().dim().equals(q.dimension())) open.merge(e.getKey(), e.getValue(), (a, b) -> {
                        a.add(b, 1);
                        return a;
                    });
                }
            }
        }
        return open;
    }

    /** Visits per day of the range for each company row, and its domain and network. */
    private static List<ReportRow> sparklines(Connection c, ReportQuery q, List<ReportRow> rows, Map<String, Extra> open)
            throws SQLException {
        int days = (int) (q.toDay() - q.fromDay() + 1);
        Map<String, long[]> spark = new HashMap<>();
        Map<String, String[]> facts = new HashMap<>();
        for (ReportRow r : rows) spark.put(r.key(), new long[days]);
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<ReportRow> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            String in = "?, ".repeat(chunk.size() - 1) + "?";
            try (PreparedStatement ps = c.prepareStatement("SELECT key, day, SUM(visits) FROM daily WHERE site_id = ? AND dim = ? "
                    + "AND day >= ? AND day <= ? AND key IN (" + in + ") GROUP BY key, day")) {
                ps.setString(1, q.siteId());
                ps.setString(2, q.dimension());
                ps.setLong(3, q.fromDay());
                ps.setLong(4, q.toDay());
                for (int i = 0; i < chunk.size(); i++) ps.setString(i + 5, chunk.get(i).key());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) spark.get(rs.getString(1))[(int) (rs.getLong(2) - q.fromDay())] += rs.getLong(3);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT company, domain, network FROM companies WHERE site_id = ? AND company IN ("
                    + in + ")")) {
                ps.setString(1, q.siteId());
                for (int i = 0; i < chunk.size(); i++) ps.setString(i + 2, chunk.get(i).key());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) facts.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        List<ReportRow> out = new ArrayList<>(rows.size());
        for (ReportRow r : rows) {
            long[] s = spark.get(r.key());
            Extra o = open.get(r.key());
            if (o != null) for (Map.Entry<Long, Long> e : o.visitsByDay.entrySet()) s[(int) (e.getKey() - q.fromDay())] += e.getValue();
            String[] f = facts.getOrDefault(r.key(), new String[2]);
            out.add(r.withCompany(f[0], f[1], s));
        }
        return out;
    }
}
