package dev.tippen.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The calls in Tippen a site placed, as the history keeps them with its invites, and the agents' feedback on them. */
public final class CallLog {
    private CallLog() {}

    /** One call's record: its invite's entry, and whose visit it was. */
    public record Call(InviteEntry entry, String visitorId, String visitId) {}

    /** A page of calls, newest first, and the cursor of the next (null at the end). */
    public record Page(List<Call> calls, String nextCursor) {}

    static Page page(Connection c, String siteId, Keyset after, int limit) throws SQLException {
        String sql = "SELECT " + InviteEntry.COLUMNS + ", visitor_id, visit_id FROM invites WHERE site_id = ? AND is_call = 1"
                + (after == null ? "" : " AND (sent_at < ? OR (sent_at = ? AND invite_id < ?))")
                + " ORDER BY sent_at DESC, invite_id DESC LIMIT ?";
        List<Call> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, siteId);
            if (after != null) {
                ps.setLong(i++, after.at());
                ps.setLong(i++, after.at());
                ps.setString(i++, after.id());
            }
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Call(InviteEntry.read(rs, 1), rs.getString(InviteEntry.COLUMN_COUNT + 1),
                            rs.getString(InviteEntry.COLUMN_COUNT + 2)));
                }
            }
        }
        String next = null;
        if (out.size() > limit) {
            out = out.subList(0, limit);
            InviteEntry last = out.get(limit - 1).entry();
            next = new Keyset(last.sentAt(), last.inviteId()).encode();
        }
        return new Page(List.copyOf(out), next);
    }

    /** Stores the agent's word on a call; false when the history holds no such call (yet). */
    static boolean feedback(Connection c, String siteId, String callId, InviteEntry.Feedback f) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE invites SET lead_quality = ?, rating = ?, notes = ?, feedback_by_id = ?, "
                + "feedback_at = ? WHERE site_id = ? AND invite_id = ? AND is_call = 1")) {
            ps.setString(1, f.leadQuality());
            if (f.rating() == null) ps.setNull(2, Types.INTEGER);
            else ps.setInt(2, f.rating());
            ps.setString(3, f.notes());
            ps.setString(4, f.byId());
            ps.setLong(5, f.at());
            ps.setString(6, siteId);
            ps.setString(7, callId);
            return ps.executeUpdate() == 1;
        }
    }
}
