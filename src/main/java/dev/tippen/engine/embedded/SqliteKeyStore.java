package dev.tippen.engine.embedded;

import dev.tippen.site.ApiKey;
import dev.tippen.site.ConsoleSession;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.KeyRole;
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sites and key hashes in the same SQLite file as the visitors. Every change bumps {@code keys_version}
 * in the same transaction, which is how a server notices keys created by another process.
 */
public final class SqliteKeyStore implements KeyStore, AutoCloseable {
    private final Connection conn;

    public SqliteKeyStore(SqliteDatabase db) {
        try {
            this.conn = db.connect();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + db.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized CreatedSite createSite(String name, boolean singleKey) {
        long now = System.currentTimeMillis();
        Site site = new Site(ApiKeys.newSiteId(), name, singleKey, now);
        String publicKey = ApiKeys.newKey(singleKey ? KeyRole.BOTH : KeyRole.PUBLIC);
        String secretKey = singleKey ? publicKey : ApiKeys.newKey(KeyRole.SECRET);
        inTransaction(() -> {
            insertSite(site);
            insertKey(site.siteId(), publicKey, singleKey ? KeyRole.BOTH : KeyRole.PUBLIC, now);
            if (!singleKey) insertKey(site.siteId(), secretKey, KeyRole.SECRET, now);
        });
        return new CreatedSite(site, publicKey, secretKey);
    }

    @Override
    public synchronized boolean ensureSite(Site site, String key, KeyRole role) {
        if (site(site.siteId()).isPresent()) return false;
        inTransaction(() -> {
            insertSite(site);
            insertKey(site.siteId(), key, role, site.createdAt());
        });
        return true;
    }

    @Override
    public synchronized List<Site> sites() {
        List<Site> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT site_id, name, single_key, created_at FROM sites ORDER BY created_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new Site(rs.getString(1), rs.getString(2), rs.getInt(3) != 0, rs.getLong(4)));
        } catch (SQLException e) {
            throw storeError(e);
        }
        return out;
    }

    @Override
    public synchronized List<ApiKey> keys() {
        List<ApiKey> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT key_hash, site_id, role, hint, created_at, revoked_at FROM api_keys ORDER BY created_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long revokedAt = rs.getLong(6);
                Long revoked = rs.wasNull() ? null : revokedAt;
                out.add(new ApiKey(rs.getString(1), rs.getString(2), KeyRole.fromWire(rs.getString(3)), rs.getString(4),
                        rs.getLong(5), revoked));
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
        return out;
    }

    @Override
    public synchronized Optional<Site> site(String siteId) {
        return sites().stream().filter(s -> s.siteId().equals(siteId)).findFirst();
    }

    @Override
    public synchronized boolean deleteSite(String siteId) {
        int[] deleted = {0};
        inTransaction(() -> {
            for (String sql : new String[] {"DELETE FROM console_sessions WHERE site_id = ?", "DELETE FROM api_keys WHERE site_id = ?",
                    "DELETE FROM sites WHERE site_id = ?"}) {
                try (PreparedStatement ps = conn.prepareStatement(sql)) {
                    ps.setString(1, siteId);
                    deleted[0] = ps.executeUpdate();
                }
            }
        });
        return deleted[0] > 0;
    }

    @Override
    public synchronized int revoke(String siteIdOrKey) {
        long now = System.currentTimeMillis();
        int[] count = {0};
        inTransaction(() -> {
            try (PreparedStatement bySite = conn.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE site_id = ? AND revoked_at IS NULL");
                 PreparedStatement byKey = conn.prepareStatement(
                         "UPDATE api_keys SET revoked_at = ? WHERE key_hash = ? AND revoked_at IS NULL")) {
                bySite.setLong(1, now);
                bySite.setString(2, siteIdOrKey);
                count[0] = bySite.executeUpdate();
                if (count[0] == 0) {
                    byKey.setLong(1, now);
                    byKey.setString(2, ApiKeys.hash(siteIdOrKey));
                    count[0] = byKey.executeUpdate();
                }
            }
            endSessionsOfRevokedKeys();
        });
        return count[0];
    }

    @Override
    public synchronized String rotateSecret(String siteId) {
        Site site = site(siteId).orElseThrow(() -> new IllegalArgumentException("no site " + siteId));
        if (site.singleKey()) {
            throw new IllegalArgumentException("site " + siteId + " uses one key for both roles; create a new site instead");
        }
        String secret = ApiKeys.newKey(KeyRole.SECRET);
        long now = System.currentTimeMillis();
        inTransaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE api_keys SET revoked_at = ? WHERE site_id = ? AND role = 'secret' AND revoked_at IS NULL")) {
                ps.setLong(1, now);
                ps.setString(2, siteId);
                ps.executeUpdate();
            }
            endSessionsOfRevokedKeys();
            insertKey(siteId, secret, KeyRole.SECRET, now);
        });
        return secret;
    }

    @Override
    public synchronized boolean importSite(Site site, List<ApiKey> keys) {
        if (site(site.siteId()).isPresent()) return false;
        inTransaction(() -> {
            insertSite(site);
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT OR IGNORE INTO api_keys (key_hash, site_id, role, hint, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (ApiKey k : keys) {
                    ps.setString(1, k.hash());
                    ps.setString(2, site.siteId());
                    ps.setString(3, k.role().wire());
                    ps.setString(4, k.hint());
                    ps.setLong(5, k.createdAt());
                    if (k.revokedAt() == null) ps.setNull(6, java.sql.Types.INTEGER);
                    else ps.setLong(6, k.revokedAt());
                    ps.executeUpdate();
                }
            }
        });
        return true;
    }

    @Override
    public synchronized boolean openSession(ConsoleSession session) {
        boolean[] stored = {false};
        inTransaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM console_sessions WHERE expires_at <= ?")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.executeUpdate();
            }
            endSessionsOfRevokedKeys();
            try (PreparedStatement ps = conn.prepareStatement(
                    "DELETE FROM console_sessions WHERE hash IN (SELECT hash FROM console_sessions WHERE site_id = ? "
                            + "ORDER BY created_at DESC LIMIT -1 OFFSET ?)")) {
                ps.setString(1, session.siteId());
                ps.setInt(2, ConsoleSession.MAX_PER_SITE - 1);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*) FROM console_sessions"); ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) >= ConsoleSession.MAX_OPEN) return;
            }
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO console_sessions (hash, site_id, key_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, session.hash());
                ps.setString(2, session.siteId());
                ps.setString(3, session.keyHash());
                ps.setLong(4, session.createdAt());
                ps.setLong(5, session.expiresAt());
                ps.executeUpdate();
            }
            stored[0] = true;
        });
        return stored[0];
    }

    /** A revoked key's sessions are deleted, not only refused: they no longer count, nor wait to expire. */
    private void endSessionsOfRevokedKeys() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "DELETE FROM console_sessions WHERE key_hash IN (SELECT key_hash FROM api_keys WHERE revoked_at IS NOT NULL)")) {
            ps.executeUpdate();
        }
    }

    @Override
    public synchronized void endSession(String hash) {
        inTransaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM console_sessions WHERE hash = ?")) {
                ps.setString(1, hash);
                ps.executeUpdate();
            }
        });
    }

    @Override
    public synchronized List<ConsoleSession> sessions() {
        List<ConsoleSession> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT hash, site_id, key_hash, created_at, expires_at FROM console_sessions WHERE expires_at > ?")) {
            ps.setLong(1, System.currentTimeMillis());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new ConsoleSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
        return out;
    }

    @Override
    public synchronized String tokenSecret() {
        try {
            try (PreparedStatement ps = conn.prepareStatement("INSERT OR IGNORE INTO meta (k, v) VALUES ('visitor_token_secret', ?)")) {
                ps.setString(1, ApiKeys.randomToken(43));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT v FROM meta WHERE k = 'visitor_token_secret'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    @Override
    public synchronized long version() {
        try (PreparedStatement ps = conn.prepareStatement("SELECT v FROM meta WHERE k = 'keys_version'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private void insertSite(Site site) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO sites (site_id, name, single_key, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, site.siteId());
            ps.setString(2, site.name());
            ps.setInt(3, site.singleKey() ? 1 : 0);
            ps.setLong(4, site.createdAt());
            ps.executeUpdate();
        }
    }

    private void insertKey(String siteId, String key, KeyRole role, long now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO api_keys (key_hash, site_id, role, hint, created_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, ApiKeys.hash(key));
            ps.setString(2, siteId);
            ps.setString(3, role.wire());
            ps.setString(4, role == KeyRole.PUBLIC ? key : ApiKeys.hint(key));
            ps.setLong(5, now);
            ps.executeUpdate();
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private void inTransaction(SqlWork work) {
        try {
            conn.setAutoCommit(false);
            try {
                work.run();
                try (PreparedStatement ps = conn.prepareStatement(
                        "UPDATE meta SET v = CAST(v AS INTEGER) + 1 WHERE k = 'keys_version'")) {
                    ps.executeUpdate();
                }
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw storeError(e);
        }
    }

    private static IllegalStateException storeError(SQLException e) {
        return new IllegalStateException("key store: " + e.getMessage(), e);
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // Nothing pending: every change commits before its method returns.
        }
    }
}
