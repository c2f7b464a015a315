package dev.tippen.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forgets visits older than the retention, a few hundred rows at a time between the writer's
 * batches, so deleting a year of history never holds tracking's history back for long. It looks
 * for work every ten minutes, and keeps stepping while it finds some.
 */
final class Retention {
    static final int CHUNK = 500;
    private static final long CHECK_EVERY_MILLIS = 600_000;

    private final Duration keep;
    private final Clock clock;
    private long lastIdle = Long.MIN_VALUE / 2;

    Retention(Duration keep, Clock clock) {
        this.keep = keep;
        this.clock = clock;
    }

    /** One chunk of expired rows, committed; false when nothing was due. */
    boolean step(Connection c, Dialect dialect) throws SQLException {
        long now = clock.millis();
        if (now - lastIdle < CHECK_EVERY_MILLIS) return false;
        dialect.takeWriteLock(c);
        long cutoff = now - keep.toMillis();
        int deleted = visits(c, cutoff) + daily(c, Days.of(cutoff));
        // Visitors go last: their rows are how the sites with old rollups are found.
        if (deleted == 0) deleted = visitors(c, cutoff);
        c.commit();
        if (deleted == 0) lastIdle = now;
        return deleted > 0;
    }

    private static int visits(Connection c, long cutoff) throws SQLException {
        List<String[]> old = pairs(c, "SELECT site_id, visit_id FROM visits WHERE started_at < ? ORDER BY started_at LIMIT ?", cutoff);
        if (old.isEmpty()) return 0;
        java.util.Map<String, Long> freed = new java.util.HashMap<>();
        for (String[] k : old) freed.merge(k[0], -SiteUsage.measured(c, k[0], "visit_id = ?", k[1]), Long::sum);
        SiteUsage.write(c, freed);
        for (String table : new String[] {"pages", "invites", "visits"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE site_id = ? AND visit_id = ?")) {
                for (String[] k : old) {
                    ps.setString(1, k[0]);
                    ps.setString(2, k[1]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        return old.size();
    }

    /**
     * Old rollup rows, found through the primary key (site, dimension, day): one site and dimension at
     * a time, the sites read by seeking from one to the next in the visitors table.
     */
    private static int daily(Connection c, long cutoffDay) throws SQLException {
        List<Object[]> old = new ArrayList<>();
        String site = "";
        try (PreparedStatement next = c.prepareStatement("SELECT site_id FROM visitors WHERE site_id > ? ORDER BY site_id LIMIT 1");
             PreparedStatement rows = c.prepareStatement("SELECT key, visitor_id, day FROM daily WHERE site_id = ? AND dim = ? AND day < ? LIMIT ?")) {
            while (old.size() < 4 * CHUNK) {
                next.setString(1, site);
                try (ResultSet rs = next.executeQuery()) {
                    if (!rs.next()) break;
                    site = rs.getString(1);
                }
                for (String dim : ReportQuery.DIMENSIONS) {
                    rows.setString(1, site);
                    rows.setString(2, dim);
                    rows.setLong(3, cutoffDay);
                    rows.setInt(4, 4 * CHUNK - old.size());
                    try (ResultSet rs = rows.executeQuery()) {
                        while (rs.next()) old.add(new Object[] {site, dim, rs.getLong(3), rs.getString(1), rs.getString(2)});
                    }
                }
            }
        }
        if (old.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM daily WHERE site_id = ? AND dim = ? AND day = ? AND key = ? AND visitor_id = ?")) {
            for (Object[] k : old) {
                ps.setString(1, (String) k[0]);
                ps.setString(2, (String) k[1]);
                ps.setLong(3, (Long) k[2]);
                ps.setString(4, (String) k[3]);
                ps.setString(5, (String) k[4]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return old.size();
    }

    /** A visitor none of whose visits is kept any longer is forgotten too: a later visit counts as its first. */
    private static int visitors(Connection c, long cutoff) throws SQLException {
        List<String[]> old = pairs(c, "SELECT site_id, visitor_id FROM visitors WHERE last_seen < ? LIMIT ?", cutoff);
        if (old.isEmpty()) return 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?")) {
            for (String[] k : old) {
                ps.setString(1, k[0]);
                ps.setString(2, k[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return old.size();
    }

    /** Up to a chunk of (site, id) pairs a query finds before the cutoff. */
    private static List<String[]> pairs(Connection c, String sql, long cutoff) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, cutoff);
            ps.setInt(2, CHUNK);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }
}
