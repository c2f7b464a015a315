package dev.tippen.team;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The team's tables, in SQL both engines read alike. Every method blocks: call from a worker or
 * a command, never from an event loop. Each write runs in one transaction that also bumps the
 * version, which is how every node learns of it (see {@link TeamRegistry}).
 */
public final class TeamStore {
    /** Everything a node keeps in memory: small (people, not visitors), read whole on change. */
    public record Contents(long version, List<User> users, List<Member> members, List<UserSession> sessions, List<PersonalToken> tokens,
                           java.util.Set<String> suspendedSites) {}

    /** A write refused for a reason the caller is told (a link used twice, an e-mail taken). */
    public static final class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final TeamDatabase db;

    public TeamStore(TeamDatabase db) {
        this.db = db;
    }

    public long version() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM team_meta WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    public Contents load(long now) {
        return read(c -> {
            long version;
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM team_meta WHERE id = 1"); ResultSet rs = ps.executeQuery()) {
                version = rs.next() ? rs.getLong(1) : 0L;
            }
            List<User> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, email, name, password_hash, status, created_at, last_sign_in_at, totp_secret, operator FROM team_users");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) users.add(user(rs));
            }
            List<Member> members = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id, site_id, role, since FROM team_members"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) members.add(new Member(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)), rs.getLong(4)));
            }
            List<UserSession> sessions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT token_hash, user_id, created_at, last_seen_at, expires_at FROM team_sessions WHERE expires_at > ?")) {
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) sessions.add(new UserSession(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
                }
            }
            List<PersonalToken> tokens = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT token_id, token_hash, user_id, site_id, role, name, created_at FROM team_tokens WHERE revoked_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tokens.add(new PersonalToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Role.parse(rs.getString(5)),
                            rs.getString(6), rs.getLong(7), null));
                }
            }
            java.util.Set<String> suspended = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT site_id FROM team_suspended_sites"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) suspended.add(rs.getString(1));
            }
            return new Contents(version, users, members, sessions, tokens, suspended);
        });
    }

    private static User user(ResultSet rs) throws SQLException {
        long last = rs.getLong(7);
        Long lastSignIn = rs.wasNull() ? null : last;
        return new User(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), "suspended".equals(rs.getString(5)),
                rs.getLong(6), lastSignIn, rs.getString(8), rs.getInt(9) == 1);
    }

    // --- people and roles ---

    /**
     * Uses a join link: makes the account when {@code newUser} is given (the e-mail must be free),
     * then gives it the link's role on the link's site. The link is spent in the same transaction,
     * so two tabs pressing Join at once make one account.
     */
    public void join(Invitation link, User newUser, String userId, long now) {
        write(c -> {
            spend(c, link, now);
            if (newUser != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM team_users WHERE email = ?")) {
                    ps.setString(1, newUser.email());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) throw new Conflict("an account with this e-mail exists already; sign in with its password to join");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_users (user_id, email, name, password_hash, status, created_at) "
                        + "VALUES (?, ?, ?, ?, 'active', ?)")) {
                    ps.setString(1, newUser.userId());
                    ps.setString(2, newUser.email());
                    ps.setString(3, newUser.name());
                    ps.setString(4, newUser.passwordHash());
                    ps.setLong(5, now);
                    ps.executeUpdate();
                }
            }
            if (link.kind() == Invitation.Kind.OPERATOR) {
                update(c, "UPDATE team_users SET operator = 1 WHERE user_id = ?", userId);
                return null;
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM team_members WHERE user_id = ? AND site_id = ?")) {
                del.setString(1, userId);
                del.setString(2, link.siteId());
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_members (user_id, site_id, role, since) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, userId);
                ps.setString(2, link.siteId());
                ps.setString(3, link.role().wire());
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Uses a reset link: the account's new password; every session it had ends. */
    public void resetPassword(Invitation link, String userId, String passwordHash, long now) {
        write(c -> {
            spend(c, link, now);
            update(c, "UPDATE team_users SET password_hash = ? WHERE user_id = ?", passwordHash, userId);
            update(c, "DELETE FROM team_sessions WHERE user_id = ?", userId);
            return null;
        });
    }

    private static void spend(Connection c, Invitation link, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE team_invitations SET used_at = ? WHERE invitation_id = ? AND used_at IS NULL AND expires_at > ?")) {
            ps.setLong(1, now);
            ps.setString(2, link.invitationId());
            ps.setLong(3, now);
            if (ps.executeUpdate() != 1) throw new Conflict("this link has been used or has expired; ask for a new one");
        }
    }

    /** A member's new role; their sessions end, so the new role comes with a new session. False when not a member. */
    public boolean setRole(String userId, String siteId, Role role) {
        return write(c -> {
            if (update(c, "UPDATE team_members SET role = ? WHERE user_id = ? AND site_id = ?", role.wire(), userId, siteId) == 0) return false;
            update(c, "DELETE FROM team_sessions WHERE user_id = ?", userId);
            return true;
        });
    }

    /** Takes a member off a site and ends their sessions. False when not a member. */
    public boolean removeMember(String userId, String siteId) {
        return write(c -> {
            if (update(c, "DELETE FROM team_members WHERE user_id = ? AND site_id = ?", userId, siteId) == 0) return false;
            update(c, "DELETE FROM team_sessions WHERE user_id = ?", userId);
            return true;
        });
    }

    /** Suspends (or lifts the suspension of) an account; suspending ends its sessions. */
    public boolean setSuspended(String userId, boolean suspended) {
        return write(c -> {
            if (update(c, "UPDATE team_users SET status = ? WHERE user_id = ?", suspended ? "suspended" : "active", userId) == 0) return false;
            if (suspended) update(c, "DELETE FROM team_sessions WHERE user_id = ?", userId);
            return true;
        });
    }

    // --- sessions ---

    /**
     * Opens a session and records the sign-in. False, storing nothing, when {@code maxOpen} are
     * open; past {@code maxPerUser}, the person's oldest session ends.
     */
    public boolean openSession(UserSession s, int maxOpen, int maxPerUser) {
        return write(c -> {
            update(c, "DELETE FROM team_sessions WHERE expires_at <= ?", s.createdAt());
            if (count(c, "SELECT COUNT(*) FROM team_sessions") >= maxOpen) return false;
            List<String> own = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT token_hash FROM team_sessions WHERE user_id = ? ORDER BY created_at DESC")) {
                ps.setString(1, s.userId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) own.add(rs.getString(1));
                }
            }
            for (int i = maxPerUser - 1; i < own.size(); i++) update(c, "DELETE FROM team_sessions WHERE token_hash = ?", own.get(i));
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO team_sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, s.hash());
                ps.setString(2, s.userId());
                ps.setLong(3, s.createdAt());
                ps.setLong(4, s.lastSeenAt());
                ps.setLong(5, s.expiresAt());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE team_users SET last_sign_in_at = ? WHERE user_id = ?")) {
                ps.setLong(1, s.createdAt());
                ps.setString(2, s.userId());
                ps.executeUpdate();
            }
            return true;
        });
    }

    public void endSessions(java.util.Collection<String> hashes) {
        if (hashes.isEmpty()) return;
        write(c -> {
            for (String h : hashes) update(c, "DELETE FROM team_sessions WHERE token_hash = ?", h);
            return null;
        });
    }

    /** When sessions were last used, as this node saw them, so every node's idle clock agrees. */
    public void touch(java.util.Map<String, Long> lastSeen) {
        if (lastSeen.isEmpty()) return;
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE team_sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?")) {
                for (var e : lastSeen.entrySet()) {
                    ps.setLong(1, e.getValue());
                    ps.setString(2, e.getKey());
                    ps.setLong(3, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Each member's latest use of any session, from every node's writes. */
    public java.util.Map<String, Long> lastSeenBySite(String siteId) {
        return read(c -> {
            java.util.Map<String, Long> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.user_id, MAX(s.last_seen_at) FROM team_sessions s "
                    + "JOIN team_members m ON m.user_id = s.user_id WHERE m.site_id = ? GROUP BY s.user_id")) {
                ps.setString(1, siteId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    // --- links ---

    public void createInvitation(Invitation i) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_invitations (invitation_id, token_hash, kind, site_id, email, role, "
                    + "created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, i.invitationId());
                ps.setString(2, i.tokenHash());
                ps.setString(3, i.kind().name().toLowerCase(java.util.Locale.ROOT));
                ps.setString(4, i.siteId());
                ps.setString(5, i.email());
                ps.setString(6, i.role() == null ? null : i.role().wire());
                ps.setString(7, i.createdBy());
                ps.setLong(8, i.createdAt());
                ps.setLong(9, i.expiresAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Invitation invitation(String tokenHash) {
        List<Invitation> found = invitations("token_hash = ?", tokenHash);
        return found.isEmpty() ? null : found.get(0);
    }

    /** A site's links to join that are neither used nor expired, newest first. */
    public List<Invitation> openInvitations(String siteId, long now) {
        List<Invitation> all = invitations("site_id = ? AND kind = 'join' AND used_at IS NULL ORDER BY created_at DESC", siteId);
        return all.stream().filter(i -> i.usable(now)).toList();
    }

    /** Withdraws a site's unused link. False when there is none by that id. */
    public boolean withdrawInvitation(String siteId, String invitationId, long now) {
        return write(c -> update(c, "UPDATE team_invitations SET used_at = ? WHERE invitation_id = ? AND site_id = ? AND used_at IS NULL",
                now, invitationId, siteId) == 1);
    }

    private List<Invitation> invitations(String where, String value) {
        return read(c -> {
            List<Invitation> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT invitation_id, token_hash, kind, site_id, email, role, created_by, created_at, "
                    + "expires_at, used_at FROM team_invitations WHERE " + where)) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long used = rs.getLong(10);
                        Long usedAt = rs.wasNull() ? null : used;
                        out.add(new Invitation(rs.getString(1), rs.getString(2),
                                Invitation.Kind.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)), rs.getString(4),
                                rs.getString(5), Role.parse(rs.getString(6)), rs.getString(7), rs.getLong(8), rs.getLong(9), usedAt));
                    }
                }
            }
            return out;
        });
    }

    // --- personal tokens ---

    public void createToken(PersonalToken t) {
        write(c -> update(c, "INSERT INTO team_tokens (token_id, token_hash, user_id, site_id, role, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                t.tokenId(), t.tokenHash(), t.userId(), t.siteId(), t.role().wire(), t.name(), t.createdAt()));
    }

    /** Revokes a live token of the site; {@code userId} null lets any owner's token go (an admin's choice). */
    public boolean revokeToken(String siteId, String tokenId, String userId, long now) {
        return write(c -> userId == null
                ? update(c, "UPDATE team_tokens SET revoked_at = ? WHERE token_id = ? AND site_id = ? AND revoked_at IS NULL", now, tokenId, siteId) == 1
                : update(c, "UPDATE team_tokens SET revoked_at = ? WHERE token_id = ? AND site_id = ? AND user_id = ? AND revoked_at IS NULL",
                        now, tokenId, siteId, userId) == 1);
    }

    /** Suspends a site (or lifts it): every node refuses its keys and closes its sockets. */
    public void setSiteSuspended(String siteId, boolean suspended, String by, long now) {
        write(c -> {
            update(c, "DELETE FROM team_suspended_sites WHERE site_id = ?", siteId);
            if (suspended) update(c, "INSERT INTO team_suspended_sites (site_id, suspended_at, suspended_by) VALUES (?, ?, ?)", siteId, now, by);
            return null;
        });
    }

    /**
     * Forgets what the team keeps of a deleted site: its people's roles there, tokens, links and
     * audit log. Its suspension stays, as a tombstone: a node that has not yet reloaded its keys
     * must still refuse them (site ids are random and never come back).
     */
    public void forgetSite(String siteId) {
        write(c -> {
            for (String table : new String[] {"team_members", "team_tokens", "team_invitations", "team_audit"}) {
                update(c, "DELETE FROM " + table + " WHERE site_id = ?", siteId);
            }
            return null;
        });
    }

    /** Makes an account an operator (or not). */
    public boolean setOperator(String userId, boolean operator) {
        return write(c -> update(c, "UPDATE team_users SET operator = ? WHERE user_id = ?", operator ? 1 : 0, userId) == 1);
    }

    // --- the second factor ---

    public void setPendingTotp(String userId, String secret) {
        write(c -> update(c, "UPDATE team_users SET totp_pending = ? WHERE user_id = ?", secret, userId));
    }

    public String pendingTotp(String userId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT totp_pending FROM team_users WHERE user_id = ?")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /** Turns the pending secret on, spending the step its proof used, with new recovery codes (hashes). */
    public boolean confirmTotp(String userId, String secret, long step, List<String> recoveryHashes) {
        return write(c -> {
            if (update(c, "UPDATE team_users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ? "
                    + "WHERE user_id = ? AND totp_pending = ?", step, userId, secret) != 1) {
                return false;
            }
            update(c, "DELETE FROM team_recovery_codes WHERE user_id = ?", userId);
            for (String h : recoveryHashes) update(c, "INSERT INTO team_recovery_codes (user_id, code_hash) VALUES (?, ?)", userId, h);
            return true;
        });
    }

    public void disableTotp(String userId) {
        write(c -> {
            update(c, "UPDATE team_users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE user_id = ?", userId);
            update(c, "DELETE FROM team_recovery_codes WHERE user_id = ?", userId);
            return null;
        });
    }

    /** Spends a step: true only the first time, and only for a step after the last one used. */
    public boolean useTotpStep(String userId, long step) {
        return write(c -> update(c, "UPDATE team_users SET totp_last_step = ? WHERE user_id = ? AND totp_secret IS NOT NULL "
                + "AND (totp_last_step IS NULL OR totp_last_step < ?)", step, userId, step) == 1);
    }

    /** Spends a recovery code: true only the first time. */
    public boolean useRecoveryCode(String userId, String codeHash, long now) {
        return write(c -> update(c, "UPDATE team_recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                now, userId, codeHash) == 1);
    }

    public long recoveryCodesLeft(String userId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM team_recovery_codes WHERE user_id = ? AND used_at IS NULL")) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    // --- the audit log ---

    /** Stores entries; the version does not move (nothing any node keeps in memory changed). */
    public void audit(List<AuditEntry> entries) {
        if (entries.isEmpty()) return;
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_audit (audit_id, site_id, at, actor_type, actor_id, actor_name, "
                    + "action, target, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEntry e : entries) {
                    ps.setString(1, e.auditId());
                    ps.setString(2, e.siteId());
                    ps.setLong(3, e.at());
                    ps.setString(4, e.actorType());
                    ps.setString(5, e.actorId());
                    ps.setString(6, e.actorName());
                    ps.setString(7, e.action());
                    ps.setString(8, e.target());
                    ps.setString(9, e.detail());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit log cannot be written: " + e.getMessage(), e);
        }
    }

    /** A site's entries older than {@code before} (an audit id; null: the newest), newest first. */
    public List<AuditEntry> auditPage(String siteId, String before, int limit) {
        return read(c -> {
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT audit_id, site_id, at, actor_type, actor_id, actor_name, action, target, detail "
                    + "FROM team_audit WHERE site_id = ? AND audit_id < ? ORDER BY audit_id DESC LIMIT ?")) {
                ps.setString(1, siteId);
                ps.setString(2, before == null ? "~" : before);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new AuditEntry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                    }
                }
            }
            return out;
        });
    }

    // --- plumbing ---

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            return ps.executeUpdate();
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private <T> T read(Work<T> work) {
        try (Connection c = db.connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("the team store cannot be read: " + e.getMessage(), e);
        }
    }

    private <T> T write(Work<T> work) {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                update(c, "UPDATE team_meta SET version = version + 1 WHERE id = 1");
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the team store cannot be written: " + e.getMessage(), e);
        }
    }
}
