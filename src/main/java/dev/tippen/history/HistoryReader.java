package dev.tippen.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The history's queries, over any connection: the API's pooled readers, or the writer's own transaction. */
final class HistoryReader {
    /** A profile lists at most this many of a visitor's visits, newest first. */
    static final int PROFILE_VISITS = 200;

    private HistoryReader() {}

    /** One page of the visits list, newest first, and the cursor of the next page (null at the end). */
    record VisitPage(List<VisitRecord> visits, String nextCursor) {}

    record Totals(long visits, long pageViews, long totalSeconds, Long firstSeen, Long lastSeen, long invites, long accepted) {}

    record Profile(String visitorId, Totals totals, List<VisitRecord> visits) {}

    static VisitRecord visit(Connection c, String siteId, String visitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(VisitTable.SELECT_ONE)) {
            ps.setString(1, siteId);
            ps.setString(2, visitId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                List<VisitRecord> one = complete(c, siteId, List.of(VisitTable.read(rs)));
                return one.get(0);
            }
        }
    }

    static VisitPage visits(Connection c, VisitQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(VisitTable.COLUMNS)
                .append(" FROM visits v WHERE site_id = ? AND started_at >= ? AND started_at < ?");
        List<Object> args = new ArrayList<>(List.of(q.siteId(), q.from(), q.to()));
        if (q.visitorId() != null) {
            sql.append(" AND visitor_id = ?");
            args.add(q.visitorId());
        }
        if (q.company() != null) {
            sql.append(" AND company = ?");
            args.add(companyName(c, q.siteId(), q.company()));
        }
        if (q.country() != null) {
            sql.append(" AND country = ?");
            args.add(q.country());
        }
        if (q.network() != null) {
            sql.append(" AND network = ?");
            args.add(q.network());
        }
        if (q.page() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM pages p WHERE p.site_id = v.site_id AND p.visit_id = v.visit_id AND p.url LIKE ? ESCAPE '!')");
            args.add(likePrefix(q.page()));
        }
        if (q.cursor() != null) {
            sql.append(" AND (started_at < ? OR (started_at = ? AND visit_id < ?))");
            args.add(q.cursor().at());
            args.add(q.cursor().at());
            args.add(q.cursor().id());
        }
        sql.append(" ORDER BY started_at DESC, visit_id DESC LIMIT ?");
        args.add(q.limit() + 1);
        List<VisitRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(VisitTable.read(rs));
            }
        }
        String next = null;
        if (rows.size() > q.limit()) {
            rows = rows.subList(0, q.limit());
            VisitRow last = rows.get(rows.size() - 1);
            next = new Keyset(last.startedAt, last.visitId).encode();
        }
        return new VisitPage(complete(c, q.siteId(), rows), next);
    }

    static final String STORED_PAGES = "SELECT n, url, title, entered_at FROM pages WHERE site_id = ? AND visit_id = ? ORDER BY n";

    static List<Rollup.StoredPage> storedPages(Connection c, String siteId, String visitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(STORED_PAGES)) {
            return storedPages(ps, siteId, visitId);
        }
    }

    /** The same with a statement the caller keeps prepared ({@link #STORED_PAGES}). */
    static List<Rollup.StoredPage> storedPages(PreparedStatement ps, String siteId, String visitId) throws SQLException {
        List<Rollup.StoredPage> out = new ArrayList<>();
        ps.setString(1, siteId);
        ps.setString(2, visitId);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new Rollup.StoredPage(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
        return out;
    }

    /** A company named by its domain is looked up by name, so the filter can use the company index. */
    private static String companyName(Connection c, String siteId, String nameOrDomain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT company FROM companies WHERE site_id = ? AND (company = ? OR domain = ?) LIMIT 1")) {
            ps.setString(1, siteId);
            ps.setString(2, nameOrDomain);
            ps.setString(3, nameOrDomain);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : nameOrDomain;
            }
        }
    }

    static Profile profile(Connection c, String siteId, String visitorId) throws SQLException {
        List<VisitRow> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VisitTable.COLUMNS
                + " FROM visits WHERE site_id = ? AND visitor_id = ? ORDER BY started_at DESC, visit_id DESC LIMIT ?")) {
            ps.setString(1, siteId);
            ps.setString(2, visitorId);
            ps.setInt(3, PROFILE_VISITS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(VisitTable.read(rs));
            }
        }
        if (rows.isEmpty()) return null;
        Totals totals = rows.size() < PROFILE_VISITS ? totals(rows) : totals(c, siteId, visitorId);
        return new Profile(visitorId, totals, complete(c, siteId, rows));
    }

    private static Totals totals(List<VisitRow> rows) {
        long pageViews = 0, seconds = 0, first = Long.MAX_VALUE, last = 0, invites = 0, accepted = 0;
        for (VisitRow v : rows) {
            pageViews += v.pageViews;
            seconds += v.durationSeconds();
            first = Math.min(first, v.startedAt);
            last = Math.max(last, v.endedAt != null ? v.endedAt : v.lastAt);
            invites += v.invites();
            accepted += v.accepted;
        }
        return new Totals(rows.size(), pageViews, seconds, first, last, invites, accepted);
    }

    /** A visitor with more visits than a profile lists: its totals over all of them. */
    private static Totals totals(Connection c, String siteId, String visitorId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(page_views), SUM(COALESCE(ended_at, last_at) - started_at), "
                + "MIN(started_at), MAX(COALESCE(ended_at, last_at)), SUM(invites_pending + invites_accepted + invites_declined + invites_expired), "
                + "SUM(invites_accepted) FROM visits WHERE site_id = ? AND visitor_id = ?")) {
            ps.setString(1, siteId);
            ps.setString(2, visitorId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3) / 1000, rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7));
            }
        }
    }

    /** The pages and invites of these visits, two queries for all of them. */
    private static List<VisitRecord> complete(Connection c, String siteId, List<VisitRow> rows) throws SQLException {
        if (rows.isEmpty()) return List.of();
        Map<String, List<PageRecord>> pages = new HashMap<>();
        Map<String, List<InviteEntry>> invites = new HashMap<>();
        for (int from = 0; from < rows.size(); from += 200) {
            List<VisitRow> chunk = rows.subList(from, Math.min(rows.size(), from + 200));
            String in = "?, ".repeat(chunk.size() - 1) + "?";
            try (PreparedStatement ps = c.prepareStatement("SELECT visit_id, url, title, entered_at, seconds FROM pages WHERE site_id = ? "
                    + "AND visit_id IN (" + in + ") ORDER BY visit_id, n")) {
                ps.setString(1, siteId);
                for (int i = 0; i < chunk.size(); i++) ps.setString(i + 2, chunk.get(i).visitId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        pages.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(new PageRecord(rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT visit_id, " + InviteEntry.COLUMNS + " FROM invites "
                    + "WHERE site_id = ? AND visit_id IN (" + in + ")")) {
                ps.setString(1, siteId);
                for (int i = 0; i < chunk.size(); i++) ps.setString(i + 2, chunk.get(i).visitId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) invites.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(InviteEntry.read(rs, 2));
                }
            }
        }
        // An open visit's pages have no stored time yet: each runs until the next, the last until the last activity.
        for (VisitRow r : rows) {
            List<PageRecord> list = pages.get(r.visitId);
            if (r.endedAt != null || list == null) continue;
            List<PageRecord> timed = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                PageRecord p = list.get(i);
                long until = i + 1 < list.size() ? list.get(i + 1).enteredAt() : r.lastAt;
                timed.add(new PageRecord(p.url(), p.title(), p.enteredAt(), Math.max(0, (until - p.enteredAt()) / 1000)));
            }
            pages.put(r.visitId, timed);
        }
        // Sorted here: an ORDER BY led SQLite to scan the site's invites instead of using invites_visit.
        for (List<InviteEntry> list : invites.values()) list.sort(InviteEntry.OLDEST_FIRST);
        List<VisitRecord> out = new ArrayList<>(rows.size());
        for (VisitRow r : rows) {
            out.add(VisitTable.record(r, pages.getOrDefault(r.visitId, List.of()), invites.getOrDefault(r.visitId, List.of())));
        }
        return out;
    }

    /**
     * A report: one range scan of the rollup rows of the dimension, added up here rather than by
     * {@code GROUP BY} and {@code COUNT(DISTINCT ...)}, which on either engine sort what a single pass
     * can count (a quarter of the time, measured).
     */
    static List<ReportRow> report(Connection c, ReportQuery q) throws SQLException {
        return Reports.report(c, q);
    }

    static List<VisitRow> openVisits(Connection c, ReportQuery q) throws SQLException {
        List<VisitRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VisitTable.COLUMNS + " FROM visits WHERE site_id = ? AND ended_at IS NULL "
                + "AND day >= ? AND day <= ?")) {
            ps.setString(1, q.siteId());
            ps.setLong(2, q.fromDay());
            ps.setLong(3, q.toDay());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(VisitTable.read(rs));
            }
        }
        return out;
    }

    /** A {@code LIKE} pattern for "starts with", the value's own wildcards escaped with '!'. */
    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof String s) ps.setString(i + 1, s);
            else if (a instanceof Long l) ps.setLong(i + 1, l);
            else if (a instanceof Integer n) ps.setInt(i + 1, n);
            else throw new IllegalArgumentException("cannot bind " + a);
        }
    }
}
