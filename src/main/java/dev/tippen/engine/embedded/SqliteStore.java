package dev.tippen.engine.embedded;

import dev.tippen.engine.VisitorCodec;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.visitor.Calls;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded engine's storage: visitors and their journal (also the outbox) in the SQLite file, written through group commit. */
final class SqliteStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    private final SqliteDatabase db;
    private final GroupCommitWriter writer;
    private final WalCheckpointer checkpointer;

    /** {@code keptForReader}: the most journal rows kept for the history until it has read them (0: no history reads them). */
    SqliteStore(SqliteDatabase db, int queueCapacity, int maxBatch, TippenMetrics metrics, long keptForReader) {
        this.db = db;
        try {
            this.writer = new GroupCommitWriter(db, queueCapacity, maxBatch, metrics, keptForReader);
            this.checkpointer = new WalCheckpointer(db, writer);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + db.file() + ": " + e.getMessage(), e);
        }
    }

    /** Completes on {@code lane} once the writes survive a crash; fails with StoreException when they cannot be stored. */
    Future<Void> write(Context lane, List<Write> writes) {
        return writer.submit(lane, writes);
    }

    /** The reader has the journal up to {@code seq}. */
    void read(long seq) {
        writer.read(seq);
    }

    /** Runs {@code sql} in the writer's next commit. */
    void inNextCommit(String sql) {
        writer.inNextCommit(sql);
    }

    /**
     * An erasure was committed: the free pages are overwritten and the journal's rows leave it zeroed
     * ({@link GroupCommitWriter#erased}), and the log is emptied while they leave (see {@link WalCheckpointer#scrubSoon}).
     */
    void scrubSoon() {
        writer.erased();
        checkpointer.scrubSoon();
    }

    boolean healthy() {
        return writer.healthy();
    }

    long busyNanos() {
        return writer.busyNanos();
    }

    /** The newest journal row committed (see {@link GroupCommitWriter#newest}). */
    long newest() {
        return writer.newest();
    }

    SqliteDatabase database() {
        return db;
    }

    /**
     * Blocking, once at start: every stored visitor, grouped by site, oldest activity first. Pending
     * invites that an older release kept in a table of their own are moved into their visitors.
     */
    Map<String, List<Visitor>> restore() {
        Map<String, List<Visitor>> out = new HashMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("""
                    SELECT v.site_id, v.visitor_id, v.data, coalesce(a.last_activity, v.last_activity) AS at, a.last_event, a.client_ts
                    FROM visitors v LEFT JOIN visitor_activity a ON a.site_id = v.site_id AND a.visitor_id = v.visitor_id
                    ORDER BY at""")) {
                while (rs.next()) {
                    try {
                        Visitor v = overlay(VisitorCodec.read(rs.getBytes(3)), rs.getLong(4), rs.getString(5), rs.getString(6));
                        out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(v);
                    } catch (IllegalArgumentException e) {
                        log.warn("event=restore_skipped_row site={} error=\"{}\"", rs.getString(1),
                                e.getMessage());
                    }
                }
            }
            mergeLegacyInvites(c, out);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read database " + db.file() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** A heartbeat writes only the visitor's activity row; it holds what the visitor's JSON does not yet. */
    private static Visitor overlay(Visitor v, long lastActivity, String lastEvent, String clientTs) {
        if (lastEvent == null && lastActivity == v.lastActivity()) return v;
        return new Visitor(v.visitorId(), v.website(), v.page(), v.browser(), clientTs != null ? clientTs : v.clientTimestamp(),
                v.ip(), v.firstSeen(), lastActivity, v.pageViews(), v.status(), lastEvent != null ? lastEvent : v.lastEvent(),
                v.enrichment(), v.visit(), v.calls());
    }

    private void mergeLegacyInvites(Connection c, Map<String, List<Visitor>> visitors) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet exists = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'invites'")) {
            if (!exists.next()) return;
        }
        c.setAutoCommit(false);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT site_id, visitor_id, invite_id, guest_url, created_at, expires_at FROM invites");
             PreparedStatement put = c.prepareStatement("UPDATE visitors SET data = ? WHERE site_id = ? AND visitor_id = ?")) {
            while (rs.next()) {
                List<Visitor> site = visitors.get(rs.getString(1));
                if (site == null) continue;
                for (int i = 0; i < site.size(); i++) {
                    Visitor v = site.get(i);
                    if (!v.visitorId().equals(rs.getString(2)) || v.pendingInvite() != null) continue;
                    InviteRecord invite = new InviteRecord(rs.getString(3), rs.getString(4), rs.getLong(5), rs.getLong(6),
                            InviteRecord.PENDING, null, dev.tippen.visitor.Sender.API_KEY);
                    List<InviteRecord> invites = new ArrayList<>(v.calls().invites());
                    invites.add(invite);
                    Visitor merged = new Visitor(v.visitorId(), v.website(), v.page(), v.browser(), v.clientTimestamp(), v.ip(),
                            v.firstSeen(), v.lastActivity(), v.pageViews(), v.status(), v.lastEvent(), v.enrichment(), v.visit(),
                            new Calls(invite.guestUrl(), v.calls().declinedAt(), invites));
                    site.set(i, merged);
                    put.setBytes(1, VisitorCodec.utf8(merged));
                    put.setString(2, rs.getString(1));
                    put.setString(3, v.visitorId());
                    put.executeUpdate();
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE invites");
        }
        c.commit();
        c.setAutoCommit(true);
        log.info("event=legacy_invites_merged");
    }

    @Override
    public void close() {
        writer.close();
        checkpointer.close();
    }
}
