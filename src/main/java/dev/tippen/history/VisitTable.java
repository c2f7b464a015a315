package dev.tippen.history;

import dev.tippen.visitor.Utm;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** The {@code visits} table's columns, read into and written from a {@link VisitRow} in one place. */
final class VisitTable {
    static final String COLUMNS = "site_id, visit_id, visitor_id, visit_number, started_at, day, last_at, ended_at, end_reason, "
            + "page_views, entry_url, exit_url, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, source, "
            + "company, company_domain, network, asn, country, country_name, region, city, device, os, browser, bot, "
            + "invites_pending, invites_accepted, invites_declined, invites_expired";
    private static final int COUNT = 35;

    static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM visits WHERE site_id = ? AND visit_id = ?";

    static final String UPSERT = "INSERT INTO visits (" + COLUMNS + ") VALUES (" + "?, ".repeat(COUNT - 1) + "?) "
            + "ON CONFLICT (site_id, visit_id) DO UPDATE SET last_at = excluded.last_at, ended_at = excluded.ended_at, "
            + "end_reason = excluded.end_reason, page_views = excluded.page_views, exit_url = excluded.exit_url, "
            + "company = excluded.company, company_domain = excluded.company_domain, network = excluded.network, "
            + "asn = excluded.asn, country = excluded.country, country_name = excluded.country_name, region = excluded.region, "
            + "city = excluded.city, device = excluded.device, os = excluded.os, browser = excluded.browser, bot = excluded.bot, "
            + "invites_pending = excluded.invites_pending, invites_accepted = excluded.invites_accepted, "
            + "invites_declined = excluded.invites_declined, invites_expired = excluded.invites_expired";

    /**
     * A page view of a stored, open visit moves only these: writing just them leaves the indexes on
     * the other columns (company, open visits) untouched, which the whole upsert rewrites every time.
     */
    static final String UPDATE_MOVED = "UPDATE visits SET last_at = ?, page_views = ?, exit_url = ? WHERE site_id = ? AND visit_id = ?";

    private VisitTable() {}

    /** Whether {@code after} differs from the stored {@code before} only in what {@link #UPDATE_MOVED} writes. */
    static boolean onlyMoved(VisitRow before, VisitRow after) {
        return before != null && before.endedAt == null && after.endedAt == null && java.util.Objects.equals(before.facts, after.facts)
                && before.pending == after.pending && before.accepted == after.accepted && before.declined == after.declined
                && before.expired == after.expired;
    }

    static void bindMoved(PreparedStatement ps, VisitRow v) throws SQLException {
        ps.setLong(1, v.lastAt);
        ps.setInt(2, v.pageViews);
        ps.setString(3, v.exitUrl);
        ps.setString(4, v.siteId);
        ps.setString(5, v.visitId);
    }

    static VisitRow read(ResultSet rs) throws SQLException {
        VisitRow v = new VisitRow();
        v.siteId = rs.getString(1);
        v.visitId = rs.getString(2);
        v.visitorId = rs.getString(3);
        v.visitNumber = rs.getInt(4);
        v.startedAt = rs.getLong(5);
        v.lastAt = rs.getLong(7);
        long ended = rs.getLong(8);
        v.endedAt = rs.wasNull() ? null : ended;
        v.endReason = rs.getString(9);
        v.pageViews = rs.getInt(10);
        v.entryUrl = rs.getString(11);
        v.exitUrl = rs.getString(12);
        v.referrer = rs.getString(13);
        String us = rs.getString(14), um = rs.getString(15), uc = rs.getString(16), ut = rs.getString(17), un = rs.getString(18);
        v.utm = us == null && um == null && uc == null && ut == null && un == null ? null : new Utm(us, um, uc, ut, un);
        v.source = rs.getString(19);
        long asn = rs.getLong(23);
        Long asnOrNull = rs.wasNull() ? null : asn;
        v.facts = new Facts(rs.getString(20), rs.getString(21), rs.getString(22), asnOrNull, rs.getString(24), rs.getString(25),
                rs.getString(26), rs.getString(27), rs.getString(28), rs.getString(29), rs.getString(30), rs.getInt(31) != 0);
        v.pending = rs.getInt(32);
        v.accepted = rs.getInt(33);
        v.declined = rs.getInt(34);
        v.expired = rs.getInt(35);
        return v;
    }

    static void bind(PreparedStatement ps, VisitRow v) throws SQLException {
        ps.setString(1, v.siteId);
        ps.setString(2, v.visitId);
        ps.setString(3, v.visitorId);
        ps.setInt(4, v.visitNumber);
        ps.setLong(5, v.startedAt);
        ps.setLong(6, v.day());
        ps.setLong(7, v.lastAt);
        setLong(ps, 8, v.endedAt);
        ps.setString(9, v.endReason);
        ps.setInt(10, v.pageViews);
        ps.setString(11, v.entryUrl);
        ps.setString(12, v.exitUrl);
        ps.setString(13, v.referrer);
        Utm u = v.utm;
        ps.setString(14, u == null ? null : u.source());
        ps.setString(15, u == null ? null : u.medium());
        ps.setString(16, u == null ? null : u.campaign());
        ps.setString(17, u == null ? null : u.term());
        ps.setString(18, u == null ? null : u.content());
        ps.setString(19, v.source);
        Facts f = v.facts;
        ps.setString(20, f.company());
        ps.setString(21, f.companyDomain());
        ps.setString(22, f.network());
        setLong(ps, 23, f.asn());
        ps.setString(24, f.country());
        ps.setString(25, f.countryName());
        ps.setString(26, f.region());
        ps.setString(27, f.city());
        ps.setString(28, f.device());
        ps.setString(29, f.os());
        ps.setString(30, f.browser());
        ps.setInt(31, f.bot() ? 1 : 0);
        ps.setInt(32, v.pending);
        ps.setInt(33, v.accepted);
        ps.setInt(34, v.declined);
        ps.setInt(35, v.expired);
    }

    static VisitRecord record(VisitRow v, List<PageRecord> pages, List<InviteEntry> invites) {
        return new VisitRecord(v.visitId, v.visitorId, v.startedAt, v.endedAt, v.durationSeconds(), v.pageViews, v.entryUrl,
                v.exitUrl, v.referrer, v.utm, v.source, v.facts, v.visitNumber, v.endReason, pages, invites);
    }

    private static void setLong(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, value);
    }
}
