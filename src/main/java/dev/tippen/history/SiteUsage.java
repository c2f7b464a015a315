package dev.tippen.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * What each site keeps in the history, estimated as it is written, against the per-site budget
 * ({@code --max-history-bytes-per-site}). A site past it records no new visits and no new pages
 * until retention or erasure frees room; what it has stays, and its live list is untouched.
 *
 * <p>New rows are refused rather than old ones deleted: the public key anyone can read from a web
 * page must not be able to wipe a site's real history by flooding it with visits.
 *
 * <p>The estimate is the same formula in Java and in SQL ({@link #PAGES_SUM}, {@link #VISITS_SUM}),
 * so what is subtracted on deletion is what was added on writing.
 */
final class SiteUsage implements Projection.Budget {
    static final int PAGE_BYTES = 64;
    static final int VISIT_BYTES = 400;
    static final String PAGES_SUM = "COALESCE(SUM(64 + 2 * (LENGTH(url) + COALESCE(LENGTH(title), 0))), 0)";
    static final String VISITS_SUM = "COALESCE(SUM(400 + 2 * (COALESCE(LENGTH(entry_url), 0) + COALESCE(LENGTH(referrer), 0))), 0)";
    private static final String ADD = "INSERT INTO site_usage (site_id, bytes) VALUES (?, ?) "
            + "ON CONFLICT (site_id) DO UPDATE SET bytes = site_usage.bytes + excluded.bytes";

    private final long maxBytes;
    private final Map<String, Long> bytes = new HashMap<>();
    /** What the batch being projected adds, not yet written: counted against the budget at once. */
    private final Map<String, Long> pending = new HashMap<>();

    /** {@code maxBytes} 0: no budget (the usage is still kept, for the operator's view). */
    SiteUsage(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    static long page(String url, String title) {
        return PAGE_BYTES + 2L * (length(url) + length(title));
    }

    static long visit(String entryUrl, String referrer) {
        return VISIT_BYTES + 2L * (length(entryUrl) + length(referrer));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Reads every site's usage as stored (at start, and after another writer deleted rows). */
    void load(Connection c) throws SQLException {
        bytes.clear();
        pending.clear();
        try (PreparedStatement ps = c.prepareStatement("SELECT site_id, bytes FROM site_usage"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) bytes.put(rs.getString(1), rs.getLong(2));
        }
    }

    @Override
    public boolean allows(String siteId) {
        return maxBytes <= 0 || bytes.getOrDefault(siteId, 0L) + pending.getOrDefault(siteId, 0L) < maxBytes;
    }

    @Override
    public void charge(String siteId, long added) {
        pending.merge(siteId, added, Long::sum);
    }

    /** Writes what the batch added, in its transaction. */
    void writePending(Connection c) throws SQLException {
        Map<String, Long> added = new HashMap<>(pending);
        pending.clear();
        add(c, added);
    }

    long of(String siteId) {
        return bytes.getOrDefault(siteId, 0L);
    }

    /** Adds what a batch wrote (negative: what it deleted), in the caller's transaction, and remembers it. */
    void add(Connection c, Map<String, Long> deltas) throws SQLException {
        write(c, deltas);
        deltas.forEach((site, delta) -> bytes.put(site, Math.max(0, bytes.getOrDefault(site, 0L) + delta)));
    }

    /** Adds the deltas to the stored usage only (for another writer, which reloads nothing). */
    static void write(Connection c, Map<String, Long> deltas) throws SQLException {
        if (deltas.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(ADD)) {
            for (Map.Entry<String, Long> d : deltas.entrySet()) {
                if (d.getValue() == 0) continue;
                ps.setString(1, d.getKey());
                ps.setLong(2, d.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What the rows of one visitor, or one visit, hold by the same estimate: read before they are deleted. */
    static long measured(Connection c, String siteId, String visitFilter, String... args) throws SQLException {
        long total = 0;
        String[] sums = {"SELECT " + PAGES_SUM + " FROM pages WHERE site_id = ? AND visit_id IN (SELECT visit_id FROM visits WHERE site_id = ? AND " + visitFilter + ")",
                "SELECT " + VISITS_SUM + " FROM visits WHERE site_id = ? AND " + visitFilter};
        for (int q = 0; q < 2; q++) {
            try (PreparedStatement ps = c.prepareStatement(sums[q])) {
                int i = 1;
                ps.setString(i++, siteId);
                if (q == 0) ps.setString(i++, siteId);
                for (String a : args) ps.setString(i++, a);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) total += rs.getLong(1);
                }
            }
        }
        return total;
    }
}
