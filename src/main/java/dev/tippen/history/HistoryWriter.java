package dev.tippen.history;

import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Notice;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies batches of outbox entries to the history over one connection, inside the caller's
 * transaction: loads what the batch touches, lets {@link Projection} change it, writes it back with
 * batched statements, and says what it learned.
 */
final class HistoryWriter implements Projection.Loader, AutoCloseable {
    private final Connection c;
    private final String dailyUpsert;
    /** Prepared once per connection: preparing them per batch cost a third of the writer's time, measured. */
    private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();
    /**
     * Open visits as last written, so a page view need not read its visit back (that read was a
     * quarter of the writer's time, measured). Only this writer changes them while it holds the
     * outbox; it is dropped with the writer on any failure, and forgotten when the lease is lost.
     * Bounded by an estimate of its bytes rather than a count: a typical row takes about 1.5 KB, one
     * with every field at its cap several times that, and a count low enough for the worst case held
     * too few visits for a site with 10,000 live visitors (then most page views read their visit back).
     */
    private final OpenVisits open = new OpenVisits(OPEN_CACHE_BYTES);
    static final long OPEN_CACHE_BYTES = 24L << 20;

    /** What each site keeps, against its budget; read from the database as the writer starts. */
    private final SiteUsage usage;
    /** Notices of sites past their budget that added nothing, since the last call to {@link #refused}. */
    private int refused;

    HistoryWriter(Connection c, Dialect dialect) throws SQLException {
        this(c, dialect, 0);
    }

    HistoryWriter(Connection c, Dialect dialect, long maxBytesPerSite) throws SQLException {
        this.c = c;
        this.usage = new SiteUsage(maxBytesPerSite);
        usage.load(c);
        this.dailyUpsert = "INSERT INTO daily (site_id, dim, day, key, visitor_id, visits, page_views, seconds, last_seen, invites, "
                + "accepted, declined) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, dim, day, key, visitor_id) "
                + "DO UPDATE SET visits = daily.visits + excluded.visits, page_views = daily.page_views + excluded.page_views, "
                + "seconds = daily.seconds + excluded.seconds, last_seen = " + dialect.greatest("daily.last_seen", "excluded.last_seen")
                + ", invites = daily.invites + excluded.invites, accepted = daily.accepted + excluded.accepted, "
                + "declined = daily.declined + excluded.declined";
    }

    /** Applies the entries (not committing) and returns what they taught, in order. */
    List<HistoryEvent> apply(List<Outbox.Entry> entries) throws SQLException {
        List<HistoryEvent> events = new ArrayList<>();
        Projection p = new Projection(this, usage);
        for (Outbox.Entry e : entries) {
            if (e.siteId() == null) continue;
            for (Notice.Recorded n : e.notices()) {
                if (n instanceof Notice.VisitorErased erased) {
                    // Whatever the batch holds is written first, so the erasure removes it too.
                    events.addAll(write(p));
                    p = new Projection(this, usage);
                    erase(e.siteId(), erased.visitorId());
                    if (erased.receipt() != null) receipt(erased.receipt(), e.at());
                    events.add(new HistoryEvent.VisitorErased(e.siteId(), e.at(), erased.visitorId()));
                } else {
                    p.apply(e.siteId(), n);
                }
            }
        }
        events.addAll(write(p));
        return events;
    }

    void erase(String siteId, String visitorId) throws SQLException {
        open.removeVisitor(siteId, visitorId);
        usage.add(c, Map.of(siteId, -SiteUsage.measured(c, siteId, "visitor_id = ?", visitorId)));
        update("DELETE FROM pages WHERE site_id = ? AND visit_id IN (SELECT visit_id FROM visits WHERE site_id = ? AND visitor_id = ?)",
                siteId, siteId, visitorId);
        update("DELETE FROM invites WHERE site_id = ? AND visitor_id = ?", siteId, visitorId);
        update("DELETE FROM visits WHERE site_id = ? AND visitor_id = ?", siteId, visitorId);
        update("DELETE FROM daily WHERE site_id = ? AND visitor_id = ?", siteId, visitorId);
        update("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?", siteId, visitorId);
    }

    /**
     * The erasure named {@code receipt} is applied. Receipts a day old are nobody's to read any more:
     * each erasure deletes them, so the table holds about a day of erasures.
     */
    void receipt(String receipt, long at) throws SQLException {
        PreparedStatement old = statement("DELETE FROM erasures WHERE applied_at < ?");
        old.setLong(1, at - 86_400_000L);
        old.executeUpdate();
        PreparedStatement ps = statement("INSERT INTO erasures (receipt, applied_at) VALUES (?, ?) ON CONFLICT (receipt) DO NOTHING");
        ps.setString(1, receipt);
        ps.setLong(2, at);
        ps.executeUpdate();
    }

    void position(String stream, String position) throws SQLException {
        {
            PreparedStatement ps = statement("INSERT INTO positions (stream, position) VALUES (?, ?) "
                + "ON CONFLICT (stream) DO UPDATE SET position = excluded.position");
            ps.setString(1, stream);
            ps.setString(2, position);
            ps.executeUpdate();
        }
    }

    // ---- writing a batch ------------------------------------------------------------------------------

    /** How many notices added nothing because their site was past its budget, since the last call. */
    int refused() {
        int n = refused;
        refused = 0;
        return n;
    }

    /** Rows were deleted by another hand (retention): read the usage again. */
    void reloadUsage() throws SQLException {
        usage.load(c);
    }

    private List<HistoryEvent> write(Projection p) throws SQLException {
        refused += p.refused;
        if (p.isEmpty()) return List.of();
        usage.writePending(c);
        {
            PreparedStatement upsert = statement(VisitTable.UPSERT);
            PreparedStatement moved = statement(VisitTable.UPDATE_MOVED);
            boolean upserts = false, moves = false;
            for (Map.Entry<String, VisitRow> e : p.rows.entrySet()) {
                VisitRow row = e.getValue();
                if (VisitTable.onlyMoved(p.originals.get(e.getKey()), row)) {
                    VisitTable.bindMoved(moved, row);
                    moved.addBatch();
                    moves = true;
                } else {
                    VisitTable.bind(upsert, row);
                    upsert.addBatch();
                    upserts = true;
                }
                if (row.endedAt == null) open.put(e.getKey(), row.copy());
                else open.remove(e.getKey());
            }
            if (upserts) upsert.executeBatch();
            if (moves) moved.executeBatch();
        }
        {
            PreparedStatement insert = statement("INSERT INTO pages (site_id, visit_id, n, url, title, entered_at, seconds) "
                    + "VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (site_id, visit_id, n) DO NOTHING");
            for (Projection.NewPage page : p.pages) {
                insert.setString(1, page.siteId());
                insert.setString(2, page.visitId());
                insert.setInt(3, page.n());
                insert.setString(4, page.url());
                insert.setString(5, page.title());
                insert.setLong(6, page.enteredAt());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        // The rollups hold ended visits: a visit that ended now adds all of itself, one that had ended
        // changes by the difference (an invite answered after the visit).
        Map<Rollup.Cell, Rollup.Sums> cells = new java.util.HashMap<>();
        Map<String, List<PageRecord>> closed = new java.util.HashMap<>();
        for (Map.Entry<String, VisitRow> e : p.rows.entrySet()) {
            VisitRow before = p.originals.get(e.getKey());
            VisitRow after = e.getValue();
            boolean wasEnded = before != null && before.endedAt != null;
            if (!wasEnded && after.endedAt != null) closed.put(e.getKey(), closePages(after, cells));
            Rollup.difference(wasEnded ? before : null, after.endedAt != null ? after : null, cells);
        }
        writeInvites(p);
        writeVisitors(p);
        writeCompanies(p);
        writeCells(cells);
        return events(p, closed);
    }

    /**
     * A visit's pages get their times (each until the next, the last until the end) and join the
     * pages rollup; returns them timed, for the visit's end to be told without reading them again.
     */
    private List<PageRecord> closePages(VisitRow v, Map<Rollup.Cell, Rollup.Sums> cells) throws SQLException {
        List<Rollup.StoredPage> pages = HistoryReader.storedPages(statement(HistoryReader.STORED_PAGES), v.siteId, v.visitId);
        long[] seconds = Rollup.seconds(pages, v.endedAt);
        PreparedStatement update = statement("UPDATE pages SET seconds = ? WHERE site_id = ? AND visit_id = ? AND n = ?");
        for (int i = 0; i < pages.size(); i++) {
            update.setLong(1, seconds[i]);
            update.setString(2, v.siteId);
            update.setString(3, v.visitId);
            update.setInt(4, pages.get(i).n());
            update.addBatch();
        }
        update.executeBatch();
        Rollup.pages(v, pages, seconds, cells);
        List<PageRecord> timed = new ArrayList<>(pages.size());
        for (int i = 0; i < pages.size(); i++) {
            Rollup.StoredPage page = pages.get(i);
            timed.add(new PageRecord(page.url(), page.title(), page.enteredAt(), seconds[i]));
        }
        return timed;
    }

    private void writeInvites(Projection p) throws SQLException {
        {
            // The agent's feedback is written by the API beside this, so an update leaves those columns alone.
            PreparedStatement ps = statement("INSERT INTO invites (site_id, invite_id, visit_id, visitor_id, sent_at, guest_url, "
                + "outcome, answered_at, sent_by_id, sent_by_name, is_call, connected_at, ended_at, end_reason) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, invite_id) DO UPDATE SET "
                + "outcome = excluded.outcome, answered_at = excluded.answered_at, connected_at = excluded.connected_at, "
                + "ended_at = excluded.ended_at, end_reason = excluded.end_reason");
            for (Map.Entry<String, Projection.StoredInvite> e : p.invites.entrySet()) {
                Projection.StoredInvite inv = e.getValue();
                if (!inv.dirty) continue;
                ps.setString(1, e.getKey().substring(0, e.getKey().indexOf('\u0000')));
                ps.setString(2, inv.entry.inviteId());
                ps.setString(3, inv.visitId);
                ps.setString(4, inv.visitorId);
                ps.setLong(5, inv.entry.sentAt());
                ps.setString(6, inv.entry.guestUrl());
                ps.setString(7, inv.entry.outcome());
                if (inv.entry.answeredAt() == null) ps.setNull(8, Types.BIGINT);
                else ps.setLong(8, inv.entry.answeredAt());
                ps.setString(9, inv.entry.sentById());
                ps.setString(10, inv.entry.sentByName());
                ps.setInt(11, inv.entry.call() ? 1 : 0);
                if (inv.entry.connectedAt() == null) ps.setNull(12, Types.BIGINT);
                else ps.setLong(12, inv.entry.connectedAt());
                if (inv.entry.endedAt() == null) ps.setNull(13, Types.BIGINT);
                else ps.setLong(13, inv.entry.endedAt());
                ps.setString(14, inv.entry.endReason());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeVisitors(Projection p) throws SQLException {
        {
            PreparedStatement ps = statement("INSERT INTO visitors (site_id, visitor_id, visits, first_seen, last_seen) "
                + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (site_id, visitor_id) DO UPDATE SET visits = excluded.visits, "
                + "first_seen = excluded.first_seen, last_seen = excluded.last_seen");
            for (Map.Entry<String, Projection.Visitor0> e : p.visitors.entrySet()) {
                if (!e.getValue().dirty) continue;
                int cut = e.getKey().indexOf('\u0000');
                ps.setString(1, e.getKey().substring(0, cut));
                ps.setString(2, e.getKey().substring(cut + 1));
                ps.setLong(3, e.getValue().visits);
                ps.setLong(4, e.getValue().firstSeen);
                ps.setLong(5, e.getValue().lastSeen);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeCompanies(Projection p) throws SQLException {
        {
            PreparedStatement ps = statement("INSERT INTO companies (site_id, company, domain, network, asn, last_day) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site_id, company) DO UPDATE SET domain = excluded.domain, "
                + "network = excluded.network, asn = excluded.asn, last_day = excluded.last_day");
            for (Map.Entry<String, Projection.Company> e : p.companies.entrySet()) {
                Projection.Company co = e.getValue();
                if (!co.dirty) continue;
                int cut = e.getKey().indexOf('\u0000');
                ps.setString(1, e.getKey().substring(0, cut));
                ps.setString(2, e.getKey().substring(cut + 1));
                ps.setString(3, co.domain);
                ps.setString(4, co.network);
                if (co.asn == null) ps.setNull(5, Types.BIGINT);
                else ps.setLong(5, co.asn);
                ps.setLong(6, co.lastDay);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeCells(Map<Rollup.Cell, Rollup.Sums> cells) throws SQLException {
        List<Rollup.Cell> shrunk = new ArrayList<>();
        {
            PreparedStatement ps = statement(dailyUpsert);
            for (Map.Entry<Rollup.Cell, Rollup.Sums> e : cells.entrySet()) {
                Rollup.Sums s = e.getValue();
                if (s.zero() && s.lastSeen == 0) continue;
                Rollup.Cell k = e.getKey();
                ps.setString(1, k.siteId());
                ps.setString(2, k.dim());
                ps.setLong(3, k.day());
                ps.setString(4, k.key());
                ps.setString(5, k.visitorId());
                ps.setLong(6, s.visits);
                ps.setLong(7, s.pageViews);
                ps.setLong(8, s.seconds);
                ps.setLong(9, s.lastSeen);
                ps.setLong(10, s.invites);
                ps.setLong(11, s.accepted);
                ps.setLong(12, s.declined);
                ps.addBatch();
                if (s.shrinks()) shrunk.add(k);
            }
            ps.executeBatch();
        }
        if (shrunk.isEmpty()) return;
        // A visit that moved to another key (a late company name) leaves an empty row behind: it must not count its visitor.
        {
            PreparedStatement ps = statement("DELETE FROM daily WHERE site_id = ? AND dim = ? AND day = ? AND key = ? "
                + "AND visitor_id = ? AND visits <= 0 AND page_views <= 0 AND seconds <= 0 AND invites <= 0");
            for (Rollup.Cell k : shrunk) {
                ps.setString(1, k.siteId());
                ps.setString(2, k.dim());
                ps.setLong(3, k.day());
                ps.setString(4, k.key());
                ps.setString(5, k.visitorId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private List<HistoryEvent> events(Projection p, Map<String, List<PageRecord>> closed) throws SQLException {
        List<HistoryEvent> out = new ArrayList<>(p.learned.size());
        for (Projection.Learned l : p.learned) {
            VisitRow r = l.row();
            switch (l.kind()) {
                case STARTED -> out.add(new HistoryEvent.VisitStarted(l.siteId(), l.at(), VisitTable.record(r, firstPage(r), List.of())));
                case COMPANY -> out.add(new HistoryEvent.CompanyArrived(l.siteId(), l.at(), VisitTable.record(r, List.of(), List.of())));
                case INVITE -> out.add(new HistoryEvent.InviteChanged(l.siteId(), l.at(), l.invite(), VisitTable.record(r, List.of(), List.of())));
                case CALL -> out.add(new HistoryEvent.CallChanged(l.siteId(), l.at(), l.invite(), VisitTable.record(r, List.of(), List.of())));
                case ENDED -> {
                    // The pages were just read to time them; the visit in hand is as written.
                    List<PageRecord> pages = closed.get(l.siteId() + '\u0000' + r.visitId);
                    VisitRecord full = pages != null ? VisitTable.record(r, pages, invitesOf(r))
                            : HistoryReader.visit(c, l.siteId(), r.visitId);
                    if (full != null) out.add(new HistoryEvent.VisitEnded(l.siteId(), l.at(), full));
                }
            }
        }
        return out;
    }

    /** A visit's invites as stored (this batch's already written), oldest first. */
    private List<InviteEntry> invitesOf(VisitRow r) throws SQLException {
        if (r.invites() == 0) return List.of();
        PreparedStatement ps = statement("SELECT " + InviteEntry.COLUMNS + " FROM invites WHERE site_id = ? AND visit_id = ?");
        ps.setString(1, r.siteId);
        ps.setString(2, r.visitId);
        List<InviteEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(InviteEntry.read(rs, 1));
        }
        out.sort(InviteEntry.OLDEST_FIRST);
        return out;
    }

    private List<PageRecord> firstPage(VisitRow r) throws SQLException {
        {
            PreparedStatement ps = statement("SELECT url, title, entered_at, seconds FROM pages WHERE site_id = ? AND visit_id = ? AND n = 1");
            ps.setString(1, r.siteId);
            ps.setString(2, r.visitId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? List.of(new PageRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))) : List.of();
            }
        }
    }

    // ---- loading --------------------------------------------------------------------------------------

    @Override
    public VisitRow visit(String siteId, String visitId) throws SQLException {
        VisitRow known = open.get(siteId + '\u0000' + visitId);
        if (known != null) return known.copy();
        {
            PreparedStatement ps = statement(VisitTable.SELECT_ONE);
            ps.setString(1, siteId);
            ps.setString(2, visitId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? VisitTable.read(rs) : null;
            }
        }
    }

    @Override
    public long[] visitor(String siteId, String visitorId) throws SQLException {
        {
            PreparedStatement ps = statement("SELECT visits, first_seen, last_seen FROM visitors WHERE site_id = ? AND visitor_id = ?");
            ps.setString(1, siteId);
            ps.setString(2, visitorId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[] {0, 0, 0};
            }
        }
    }

    @Override
    public Projection.StoredInvite invite(String siteId, String inviteId) throws SQLException {
        {
            PreparedStatement ps = statement("SELECT " + InviteEntry.COLUMNS + ", visit_id, visitor_id "
                + "FROM invites WHERE site_id = ? AND invite_id = ?");
            ps.setString(1, siteId);
            ps.setString(2, inviteId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                Projection.StoredInvite inv = new Projection.StoredInvite();
                inv.entry = InviteEntry.read(rs, 1);
                inv.visitId = rs.getString(InviteEntry.COLUMN_COUNT + 1);
                inv.visitorId = rs.getString(InviteEntry.COLUMN_COUNT + 2);
                return inv;
            }
        }
    }

    @Override
    public long companyDay(String siteId, String company) throws SQLException {
        {
            PreparedStatement ps = statement("SELECT last_day FROM companies WHERE site_id = ? AND company = ?");
            ps.setString(1, siteId);
            ps.setString(2, company);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Another node may have written since: what this one remembers is no longer known to be true. */
    void forget() {
        open.clear();
    }

    @Override
    public void close() {
        open.clear();
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection goes with it
            }
        }
        statements.clear();
    }

    private void update(String sql, String... args) throws SQLException {
        {
            PreparedStatement ps = statement(sql);
            for (int i = 0; i < args.length; i++) ps.setString(i + 1, args[i]);
            ps.executeUpdate();
        }
    }
}
