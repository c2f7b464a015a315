package dev.tippen.history;

/** A video invite sent during a visit, and what became of it (pending, accepted, declined, expired). */
public record InviteEntry(String inviteId, long sentAt, String guestUrl, String outcome, Long answeredAt) {
    /** The {@code invites} columns an entry is read from, in {@link #read}'s order. */
    static final String COLUMNS = "invite_id, sent_at, guest_url, outcome, answered_at";
    static final java.util.Comparator<InviteEntry> OLDEST_FIRST = java.util.Comparator.comparingLong(InviteEntry::sentAt);

    /** The entry in {@link #COLUMNS}, starting at column {@code first} of the row. */
    static InviteEntry read(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
        long answered = rs.getLong(first + 4);
        Long answeredAt = rs.wasNull() ? null : answered;
        return new InviteEntry(rs.getString(first), rs.getLong(first + 1), rs.getString(first + 2), rs.getString(first + 3), answeredAt);
    }
}
