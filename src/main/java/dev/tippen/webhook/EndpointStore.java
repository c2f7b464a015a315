package dev.tippen.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The endpoints table: each site's receivers, with their secrets and their health. Same SQL on both engines. */
final class EndpointStore {
    private static final String COLUMNS = "id, site_id, url, kind, events, filter, description, secret, previous_secret, previous_until,"
            + " enabled, disabled_reason, disabled_at, failing_since, paused_until, dropped, created_at, updated_at";

    private EndpointStore() {}

    static void insert(Connection c, Endpoint e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_endpoints (" + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, e.id());
            ps.setString(2, e.siteId());
            ps.setString(3, e.url());
            ps.setString(4, e.kind().wire());
            ps.setString(5, new JsonArray(List.copyOf(e.events())).encode());
            ps.setString(6, e.filter().toJson().encode());
            ps.setString(7, e.description());
            ps.setString(8, e.secret());
            ps.setString(9, e.previousSecret());
            setLong(ps, 10, e.previousUntil());
            ps.setInt(11, e.enabled() ? 1 : 0);
            ps.setString(12, e.disabledReason());
            setLong(ps, 13, e.disabledAt());
            setLong(ps, 14, e.failingSince());
            ps.setLong(15, e.pausedUntil());
            ps.setLong(16, e.dropped());
            ps.setLong(17, e.createdAt());
            ps.setLong(18, e.updatedAt());
            ps.executeUpdate();
        }
    }

    /** Writes back what an edit may change; the endpoint's health is the senders' to write (below). */
    static void update(Connection c, Endpoint e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_endpoints SET url = ?, events = ?, filter = ?, description = ?,"
                + " updated_at = ? WHERE id = ?")) {
            ps.setString(1, e.url());
            ps.setString(2, new JsonArray(List.copyOf(e.events())).encode());
            ps.setString(3, e.filter().toJson().encode());
            ps.setString(4, e.description());
            ps.setLong(5, e.updatedAt());
            ps.setString(6, e.id());
            ps.executeUpdate();
        }
    }

    /** On again, with a clean slate: no failures counted, no pause. */
    static void enable(Connection c, String id, long now) throws SQLException {
        exec(c, "UPDATE webhook_endpoints SET enabled = 1, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL,"
                + " paused_until = 0, updated_at = ? WHERE id = ?", now, id);
    }

    static void disable(Connection c, String id, String reason, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?,"
                + " updated_at = ? WHERE id = ?")) {
            ps.setString(1, reason);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }

    static void rotate(Connection c, String id, String secret, String previous, long previousUntil, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_endpoints SET secret = ?, previous_secret = ?, previous_until = ?,"
                + " updated_at = ? WHERE id = ?")) {
            ps.setString(1, secret);
            ps.setString(2, previous);
            ps.setLong(3, previousUntil);
            ps.setLong(4, now);
            ps.setString(5, id);
            ps.executeUpdate();
        }
    }

    static void succeeded(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    /** Counts a failure; returns since when the endpoint has failed without a success. */
    static long failed(Connection c, String id, long now) throws SQLException {
        exec(c, "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL", now, id);
        try (PreparedStatement ps = c.prepareStatement("SELECT failing_since FROM webhook_endpoints WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : now;
            }
        }
    }

    /** Honours a receiver's Retry-After: nothing is sent to it before {@code until}. */
    static void pause(Connection c, String id, long until) throws SQLException {
        exec(c, "UPDATE webhook_endpoints SET paused_until = ? WHERE id = ?", until, id);
    }

    private static void exec(Connection c, String sql, long value, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, value);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    static List<Endpoint> forSite(Connection c, String siteId) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE site_id = ? ORDER BY created_at, id", siteId);
    }

    static List<Endpoint> enabledForSite(Connection c, String siteId) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE site_id = ? AND enabled = 1", siteId);
    }

    static List<Endpoint> enabled(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE enabled = 1");
    }

    static Endpoint get(Connection c, String siteId, String id) throws SQLException {
        List<Endpoint> l = query(c, "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE site_id = ? AND id = ?", siteId, id);
        return l.isEmpty() ? null : l.get(0);
    }

    static Endpoint byId(Connection c, String id) throws SQLException {
        List<Endpoint> l = query(c, "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ?", id);
        return l.isEmpty() ? null : l.get(0);
    }

    static int count(Connection c, String siteId) throws SQLException {
        return (int) scalar(c, "SELECT COUNT(*) FROM webhook_endpoints WHERE site_id = ?", siteId);
    }

    /** The one number a query answers (0 when it answers none); the arguments are strings. */
    static long scalar(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    static boolean delete(Connection c, String siteId, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_endpoints WHERE site_id = ? AND id = ?")) {
            ps.setString(1, siteId);
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    static void addDropped(Connection c, String id, long n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE webhook_endpoints SET dropped = dropped + ? WHERE id = ?")) {
            ps.setLong(1, n);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    private static List<Endpoint> query(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            List<Endpoint> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        }
    }

    private static Endpoint row(ResultSet rs) throws SQLException {
        Set<String> events = new LinkedHashSet<>();
        for (Object o : new JsonArray(rs.getString(5))) events.add((String) o);
        return new Endpoint(rs.getString(1), rs.getString(2), rs.getString(3), Endpoint.Kind.of(rs.getString(4)), Set.copyOf(events),
                EndpointFilter.parse(new JsonObject(rs.getString(6))), rs.getString(7), rs.getString(8), rs.getString(9),
                getLong(rs, 10), rs.getInt(11) == 1, rs.getString(12), getLong(rs, 13), getLong(rs, 14), rs.getLong(15),
                rs.getLong(16), rs.getLong(17), rs.getLong(18));
    }

    static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }

    static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }
}
