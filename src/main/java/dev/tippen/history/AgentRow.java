package dev.tippen.history;

/**
 * One sender's invites over a range, by outcome: a person ({@code userId} and the name they last
 * sent with), or the site's API key ({@code userId} null). Of those, {@code calls} were calls in
 * Tippen, {@code connected} of them connected, lasting {@code callSeconds} in all (those that ended).
 */
public record AgentRow(String userId, String name, long invites, long accepted, long declined, long expired, long pending,
                       long calls, long connected, long callSeconds, long endedConnected) {

    /** Connected calls over calls sent, or null without calls. */
    public Double connectRate() {
        return calls == 0 ? null : (double) connected / calls;
    }

    /** The mean length of the connected calls that ended, in seconds, or null without any. */
    public Double meanCallSeconds() {
        return endedConnected == 0 ? null : (double) callSeconds / endedConnected;
    }


    /** Invites per sender sent in [from, to), most first; a sender's name is the one of their latest invite. */
    static java.util.List<AgentRow> read(java.sql.Connection c, String siteId, long from, long to, int limit) throws java.sql.SQLException {
        String sql = "SELECT sent_by_id, MAX(sent_by_name), COUNT(*), "
                + "SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN outcome = 'expired' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END), "
                + "SUM(is_call), SUM(CASE WHEN connected_at IS NOT NULL THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN connected_at IS NOT NULL AND ended_at IS NOT NULL THEN (ended_at - connected_at) / 1000 ELSE 0 END), "
                + "SUM(CASE WHEN connected_at IS NOT NULL AND ended_at IS NOT NULL THEN 1 ELSE 0 END) "
                + "FROM invites WHERE site_id = ? AND sent_at >= ? AND sent_at < ? GROUP BY sent_by_id ORDER BY COUNT(*) DESC, sent_by_id LIMIT ?";
        java.util.List<AgentRow> out = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, siteId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            ps.setInt(4, limit);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    out.add(new AgentRow(id, id == null ? "API key" : rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)));
                }
            }
        }
        return out;
    }
}
