package dev.tippen.history;

/**
 * A video invite sent during a visit, and what became of it (pending, accepted, declined, expired);
 * {@code sentById} and {@code sentByName} name the person who sent it, both null for the API key.
 * {@code call}: a call in Tippen itself, with when its browsers connected and when and why it ended
 * (else all null), and the agent's {@code feedback} once given.
 */
public record InviteEntry(String inviteId, long sentAt, String guestUrl, String outcome, Long answeredAt, String sentById,
                          String sentByName, boolean call, Long connectedAt, Long endedAt, String endReason, Feedback feedback) {

    /** The agent's word on a call: lead quality (hot, warm, cold, not_qualified), a 1–5 rating, notes; each may be null. */
    public record Feedback(String leadQuality, Integer rating, String notes, String byId, long at) {}

    /** The {@code invites} columns an entry is read from, in {@link #read}'s order. */
    static final String COLUMNS = "invite_id, sent_at, guest_url, outcome, answered_at, sent_by_id, sent_by_name, is_call, connected_at, "
            + "ended_at, end_reason, lead_quality, rating, notes, feedback_by_id, feedback_at";
    static final int COLUMN_COUNT = 16;
    static final java.util.Comparator<InviteEntry> OLDEST_FIRST = java.util.Comparator.comparingLong(InviteEntry::sentAt);

    InviteEntry(String inviteId, long sentAt, String guestUrl, String outcome, Long answeredAt, String sentById, String sentByName,
                boolean call) {
        this(inviteId, sentAt, guestUrl, outcome, answeredAt, sentById, sentByName, call, null, null, null, null);
    }

    /** The entry in {@link #COLUMNS}, starting at column {@code first} of the row. */
    static InviteEntry read(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
        Long answeredAt = longOrNull(rs, first + 4);
        boolean call = rs.getInt(first + 7) == 1;
        Long feedbackAt = longOrNull(rs, first + 15);
        Feedback feedback = null;
        if (feedbackAt != null) {
            int rating = rs.getInt(first + 12);
            feedback = new Feedback(rs.getString(first + 11), rs.wasNull() ? null : rating, rs.getString(first + 13), rs.getString(first + 14),
                    feedbackAt);
        }
        return new InviteEntry(rs.getString(first), rs.getLong(first + 1), rs.getString(first + 2), rs.getString(first + 3), answeredAt,
                rs.getString(first + 5), rs.getString(first + 6), call, longOrNull(rs, first + 8), longOrNull(rs, first + 9),
                rs.getString(first + 10), feedback);
    }

    private static Long longOrNull(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    InviteEntry answered(String how, long at) {
        return new InviteEntry(inviteId, sentAt, guestUrl, how, at, sentById, sentByName, call, connectedAt, endedAt, endReason, feedback);
    }

    /** A call's progress: what is known stays, so a notice applied twice changes nothing. */
    InviteEntry progressed(Long connected, Long ended, String reason) {
        return new InviteEntry(inviteId, sentAt, guestUrl, outcome, answeredAt, sentById, sentByName, true,
                connectedAt != null ? connectedAt : connected, endedAt != null ? endedAt : ended, endReason != null ? endReason : reason,
                feedback);
    }

    /**
     * Why a call ended, as a record shows it: the call's own reason, else what became of its invite
     * (declined, or expired when nobody answered); null while it is on.
     */
    public String callEndReason() {
        if (endReason != null) return endReason;
        if ("declined".equals(outcome)) return "declined";
        if ("expired".equals(outcome)) return "missed";
        return null;
    }

    /** When a call ended: its own end, else when its invite was declined or lapsed. */
    public Long callEndedAt() {
        if (endedAt != null) return endedAt;
        return "declined".equals(outcome) || "expired".equals(outcome) ? answeredAt : null;
    }
}
