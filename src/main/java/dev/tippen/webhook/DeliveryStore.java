package dev.tippen.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries outbox and its log of attempts. Deliveries are written in the transaction that
 * records the change behind them; a sender claims one (for a while, so that two nodes never send
 * it at once), sends, and writes the attempt with the delivery's new state in one transaction.
 */
final class DeliveryStore {
    private DeliveryStore() {}

    static void enqueue(Connection c, String id, String endpointId, String siteId, String messageId, String type, String visitorId,
                        String payload, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_deliveries (id, endpoint_id, site_id, message_id, event_type,"
                + " visitor_id, payload, created_at, state, tries, next_at, claimed_until)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, 0)")) {
            ps.setString(1, id);
            ps.setString(2, endpointId);
            ps.setString(3, siteId);
            ps.setString(4, messageId);
            ps.setString(5, type);
            ps.setString(6, visitorId);
            ps.setString(7, payload);
            ps.setLong(8, now);
            ps.setLong(9, now);
            ps.executeUpdate();
        }
    }

    /** Keeps at most {@code limit} undelivered: the oldest beyond it are dropped. Returns how many. */
    static int trim(Connection c, String endpointId, int limit, long now) throws SQLException {
        int pending = pending(c, endpointId);
        if (pending <= limit) return 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET state = 'dropped', finished_at = ?"
                + " WHERE id IN (SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'pending'"
                + " ORDER BY created_at, id LIMIT ?)")) {
            ps.setLong(1, now);
            ps.setString(2, endpointId);
            ps.setInt(3, pending - limit);
            return ps.executeUpdate();
        }
    }

    /** Forgets every delivery about a visitor: the erasure reaches the notifications too. */
    static int erase(Connection c, String siteId, String visitorId) throws SQLException {
        try (PreparedStatement a = c.prepareStatement("DELETE FROM webhook_attempts WHERE delivery_id IN"
                + " (SELECT id FROM webhook_deliveries WHERE site_id = ? AND visitor_id = ?)");
             PreparedStatement d = c.prepareStatement("DELETE FROM webhook_deliveries WHERE site_id = ? AND visitor_id = ?")) {
            a.setString(1, siteId);
            a.setString(2, visitorId);
            a.executeUpdate();
            d.setString(1, siteId);
            d.setString(2, visitorId);
            return d.executeUpdate();
        }
    }

    /**
     * An endpoint's pending deliveries due now and not claimed, soonest first: at most {@code limit},
     * and no more than {@code maxBytes} of payload after the first, so a group held in memory stays small.
     */
    static List<String> due(Connection c, String endpointId, long now, int limit, long maxBytes) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, LENGTH(payload) FROM webhook_deliveries WHERE endpoint_id = ?"
                + " AND state = 'pending' AND next_at <= ? AND claimed_until <= ? ORDER BY next_at, id LIMIT ?")) {
            ps.setString(1, endpointId);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setInt(4, limit);
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bytes += rs.getLong(2);
                    if (!out.isEmpty() && bytes > maxBytes) break;
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** When an endpoint's next pending delivery falls due (a claim held counts as its end); null when none waits. */
    static Long nextDue(Connection c, String endpointId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(" + "CASE WHEN claimed_until > next_at THEN claimed_until ELSE next_at END)"
                + " FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'pending'")) {
            ps.setString(1, endpointId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        }
    }

    /** Claims what no one else holds; returns what this caller now holds, with what sending it needs. */
    static List<Delivery.Claimed> claim(Connection c, List<String> ids, long now, long until) throws SQLException {
        List<String> got = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET claimed_until = ?"
                + " WHERE id = ? AND state = 'pending' AND claimed_until <= ?")) {
            for (String id : ids) {
                ps.setLong(1, until);
                ps.setString(2, id);
                ps.setLong(3, now);
                if (ps.executeUpdate() == 1) got.add(id);
            }
        }
        List<Delivery.Claimed> out = new ArrayList<>(got.size());
        try (PreparedStatement ps = c.prepareStatement("SELECT id, endpoint_id, message_id, event_type, payload, tries, created_at"
                + " FROM webhook_deliveries WHERE id = ?")) {
            for (String id : got) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(new Delivery.Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getInt(6), rs.getLong(7)));
                    }
                }
            }
        }
        return out;
    }

    static void attempt(Connection c, String deliveryId, long at, Integer status, long durationMillis, String response, String error)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_attempts (delivery_id, n, at, status, duration_ms, response, error)"
                + " SELECT ?, COALESCE(MAX(n), 0) + 1, ?, ?, ?, ?, ? FROM webhook_attempts WHERE delivery_id = ?")) {
            ps.setString(1, deliveryId);
            ps.setLong(2, at);
            setInt(ps, 3, status);
            ps.setLong(4, durationMillis);
            ps.setString(5, response);
            ps.setString(6, error);
            ps.setString(7, deliveryId);
            ps.executeUpdate();
        }
    }

    /** Done with: delivered or failed for good. */
    static void finish(Connection c, String id, String state, Integer status, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET state = ?, last_status = ?, finished_at = ?,"
                + " tries = tries + 1, claimed_until = 0 WHERE id = ?")) {
            ps.setString(1, state);
            setInt(ps, 2, status);
            ps.setLong(3, now);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    /** Tried and to be tried again at {@code nextAt}; {@code countsAsTry} false leaves the schedule where it was (a pause, not a failure). */
    static void retry(Connection c, String id, Integer status, long nextAt, boolean countsAsTry) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET last_status = ?, next_at = ?,"
                + " tries = tries + ?, claimed_until = 0 WHERE id = ?")) {
            setInt(ps, 1, status);
            ps.setLong(2, nextAt);
            ps.setInt(3, countsAsTry ? 1 : 0);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    /** Lets go of a claim without trying (the endpoint changed meanwhile). */
    static void release(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET claimed_until = 0 WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** Sends a delivery again from the start of the schedule, under the same webhook-id. False when there is none such. */
    static boolean replay(Connection c, String endpointId, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET state = 'pending', tries = 0, next_at = ?,"
                + " finished_at = NULL WHERE endpoint_id = ? AND id = ?")) {
            ps.setLong(1, now);
            ps.setString(2, endpointId);
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** An endpoint's deliveries, newest first, after the cursor ({@code createdAt}, {@code id}), with their last attempts. */
    static List<Delivery> list(Connection c, String endpointId, Long beforeAt, String beforeId, int limit) throws SQLException {
        return select(c, endpointId, null, beforeAt, beforeId, limit);
    }

    static Delivery one(Connection c, String endpointId, String id) throws SQLException {
        List<Delivery> l = select(c, endpointId, id, null, null, 1);
        return l.isEmpty() ? null : l.get(0);
    }

    private static List<Delivery> select(Connection c, String endpointId, String onlyId, Long beforeAt, String beforeId, int limit)
            throws SQLException {
        List<Delivery> rows = new ArrayList<>();
        String sql = "SELECT id, endpoint_id, message_id, event_type, created_at, state, tries, next_at, last_status, finished_at"
                + " FROM webhook_deliveries WHERE endpoint_id = ?"
                + (onlyId == null ? "" : " AND id = ?")
                + (beforeAt == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, endpointId);
            if (onlyId != null) ps.setString(i++, onlyId);
            if (beforeAt != null) {
                ps.setLong(i++, beforeAt);
                ps.setLong(i++, beforeAt);
                ps.setString(i++, beforeId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                            rs.getInt(7), rs.getLong(8), intOrNull(rs, 9), EndpointStore.getLong(rs, 10), List.of()));
                }
            }
        }
        Map<String, List<Delivery.Attempt>> attempts = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n, at, status, duration_ms, response, error FROM webhook_attempts"
                + " WHERE delivery_id = ? ORDER BY n DESC LIMIT 20")) {
            for (Delivery d : rows) {
                ps.setString(1, d.id());
                List<Delivery.Attempt> l = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        l.add(new Delivery.Attempt(rs.getInt(1), rs.getLong(2), intOrNull(rs, 3), rs.getLong(4), rs.getString(5), rs.getString(6)));
                    }
                }
                java.util.Collections.reverse(l);
                attempts.put(d.id(), l);
            }
        }
        List<Delivery> out = new ArrayList<>(rows.size());
        for (Delivery d : rows) {
            out.add(new Delivery(d.id(), d.endpointId(), d.messageId(), d.type(), d.createdAt(), d.state(), d.tries(), d.nextAt(),
                    d.lastStatus(), d.finishedAt(), attempts.get(d.id())));
        }
        return out;
    }

    /** Undelivered in all, and when the oldest of them was written (null when none). */
    static long[] backlog(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE state = 'pending'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long oldest = rs.getLong(2);
            return new long[] {rs.getLong(1), rs.wasNull() ? -1 : oldest};
        }
    }

    static int pending(Connection c, String endpointId) throws SQLException {
        return (int) EndpointStore.scalar(c, "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'pending'", endpointId);
    }

    /** Deletes up to {@code chunk} deliveries finished before {@code before}, with their attempts. Returns how many. */
    static int pruneFinished(Connection c, long before, int chunk) throws SQLException {
        return delete(c, "SELECT id FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < ? LIMIT ?", before, chunk);
    }

    /** Deletes up to {@code chunk} deliveries of an endpoint (deleted, or being deleted). */
    static int pruneEndpoint(Connection c, String endpointId, int chunk) throws SQLException {
        return delete(c, "SELECT id FROM webhook_deliveries WHERE endpoint_id = ? LIMIT ?", endpointId, chunk);
    }

    /** Deletes up to {@code chunk} deliveries whose endpoint is gone (a deletion cut short by a restart). */
    static int pruneOrphans(Connection c, int chunk) throws SQLException {
        return delete(c, "SELECT d.id FROM webhook_deliveries d WHERE NOT EXISTS"
                + " (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id) LIMIT ?", null, chunk);
    }

    private static int delete(Connection c, String pick, Object arg, int chunk) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(pick)) {
            int i = 1;
            if (arg instanceof Long l) ps.setLong(i++, l);
            else if (arg instanceof String str) ps.setString(i++, str);
            ps.setInt(i, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getString(1));
            }
        }
        if (ids.isEmpty()) return 0;
        try (PreparedStatement a = c.prepareStatement("DELETE FROM webhook_attempts WHERE delivery_id = ?");
             PreparedStatement d = c.prepareStatement("DELETE FROM webhook_deliveries WHERE id = ?")) {
            for (String id : ids) {
                a.setString(1, id);
                a.addBatch();
                d.setString(1, id);
                d.addBatch();
            }
            a.executeBatch();
            d.executeBatch();
        }
        return ids.size();
    }

    /** With one node (SQLite), claims left by a process that died are nobody's: free them at start. */
    static void releaseAll(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_deliveries SET claimed_until = 0 WHERE state = 'pending' AND claimed_until > 0")) {
            ps.executeUpdate();
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, java.sql.Types.INTEGER);
        else ps.setInt(i, v);
    }

    private static Integer intOrNull(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }
}
