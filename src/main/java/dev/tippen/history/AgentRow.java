package dev.tippen.history;

/**
 * One sender's invites over a range, by outcome: a person ({@code userId} and the name they last
 * sent with), or the site's API key ({@code userId} null).
 */
public record AgentRow(String userId, String name, long invites, long accepted, long declined, long expired, long pending) {

    /** Invites per sender sent in [from, to), most first; a sender's name is the one of their latest invite. */
    static java.util.List<AgentRow> read(java.sql.Connection c, String siteId, long from, long to, int limit) throws java.sql.SQLException {
        String sql = "SELECT sent_by_id, MAX(sent_by_name), COUNT(*), "
                + "SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'declined' THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN outcome = 'expired' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'pending' THEN 1 ELSE 0 END) "
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
                            rs.getLong(6), rs.getLong(7)));
                }
            }
        }
        return out;
    }
}
