package dev.tippen.history;

/**
 * A video invite sent during a visit, and what became of it (pending, accepted, declined, expired);
 * {@code sentById} and {@code sentByName} name the person who sent it, both null for the API key.
 */
public record InviteEntry(String inviteId, long sentAt, String guestUrl, String outcome, Long answeredAt, String sentById,
                          String sentByName) {
    /** The {@code invites} columns an entry is read from, in {@link #read}'s order. */
    static final String COLUMNS = "invite_id, sent_at, guest_url, outcome, answered_at, sent_by_id, sent_by_name";
    static final int COLUMN_COUNT = 7;
    static final java.util.Comparator<InviteEntry> OLDEST_FIRST = java.util.Comparator.comparingLong(InviteEntry::sentAt);

    /** The entry in {@link #COLUMNS}, starting at column {@code first} of the row. */
    static InviteEntry read(java.sql.ResultSet rs, int first) throws java.sql.SQLException {
        long answered = rs.getLong(first + 4);
        Long answeredAt = rs.wasNull() ? null : answered;
        return new InviteEntry(rs.getString(first), rs.getLong(first + 1), rs.getString(first + 2), rs.getString(first + 3), answeredAt,
                rs.getString(first + 5), rs.getString(first + 6));
    }

    InviteEntry answered(String how, long at) {
        return new InviteEntry(inviteId, sentAt, guestUrl, how, at, sentById, sentByName);
    }
}
