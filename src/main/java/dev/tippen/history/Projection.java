package dev.tippen.history;

import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.PageVisit;
import dev.tippen.visitor.Visit;
import dev.tippen.visitor.Visitor;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How recorded notices become history, for one batch: each visit, page log, invite and visitor the
 * batch touches is loaded once, changed in memory by every notice, and handed back for writing.
 * Every step checks what is stored first, so a notice applied twice changes nothing the second time.
 */
final class Projection {
    static final int MAX_PAGES = 500;

    /** Reads what is stored; the writer implements it over SQL. */
    interface Loader {
        VisitRow visit(String siteId, String visitId) throws SQLException;

        /** The visitor's visits so far (0: a new visitor), and when it was first and last seen. */
        long[] visitor(String siteId, String visitorId) throws SQLException;

        StoredInvite invite(String siteId, String inviteId) throws SQLException;

        /** The last day the company visited, or -1. */
        long companyDay(String siteId, String company) throws SQLException;
    }

    static final class StoredInvite {
        InviteEntry entry;
        String visitId;
        String visitorId;
        boolean dirty;
    }

    static final class Visitor0 {
        long visits;
        long firstSeen;
        long lastSeen;
        boolean dirty;
    }

    static final class Company {
        long lastDay;
        String domain;
        String network;
        Long asn;
        boolean dirty;
    }

    /** A page to store: site, visit, its number in the visit, address, title, when it was entered. */
    record NewPage(String siteId, String visitId, int n, String url, String title, long enteredAt) {}

    final Map<String, VisitRow> rows = new LinkedHashMap<>();
    final Map<String, VisitRow> originals = new HashMap<>();
    final Map<String, Visitor0> visitors = new HashMap<>();
    final Map<String, StoredInvite> invites = new LinkedHashMap<>();
    final Map<String, Company> companies = new HashMap<>();
    final List<NewPage> pages = new ArrayList<>();
    /**
     * What the batch taught, in order. Turned into {@link HistoryEvent}s once the batch is written,
     * from the rows as they then stand (a visit's end with its pages and invites).
     */
    record Learned(Kind kind, String siteId, long at, VisitRow row, InviteEntry invite) {}

    enum Kind { STARTED, COMPANY, INVITE, CALL, ENDED }

    final List<Learned> learned = new ArrayList<>();
    private final Loader load;
    /** What each site may still add to the history (see {@link SiteUsage}). */
    interface Budget {
        Budget NONE = new Budget() {
            @Override
            public boolean allows(String siteId) {
                return true;
            }

            @Override
            public void charge(String siteId, long bytes) {}
        };

        /** Whether the site may add a row now. */
        boolean allows(String siteId);

        /** A row of this many (estimated) bytes was added. */
        void charge(String siteId, long bytes);
    }

    /** Sites past their history budget get no new visit rows or pages. */
    private final Budget budget;
    /** Notices of full sites that would have added rows, and did not. */
    int refused;

    Projection(Loader load) {
        this(load, Budget.NONE);
    }

    Projection(Loader load, Budget budget) {
        this.load = load;
        this.budget = budget;
    }

    boolean isEmpty() {
        return rows.isEmpty() && invites.isEmpty();
    }

    void apply(String siteId, Notice.Recorded n) throws SQLException {
        if (n instanceof Notice.PageViewed p) page(siteId, p.visitor());
        else if (n instanceof Notice.VisitEnded e) ended(siteId, e.visitor(), e.endedAt(), e.reason().name().toLowerCase(java.util.Locale.ROOT));
        else if (n instanceof Notice.InviteSent s) sent(siteId, s.visitor(), s.invite());
        else if (n instanceof Notice.InviteAnswered a) answered(siteId, a.visitor(), a.invite());
        else if (n instanceof Notice.InviteLapsed l) answered(siteId, l.visitor(), l.invite());
        else if (n instanceof Notice.CallProgressed c) called(siteId, c.visitor(), c.invite());
        else if (n instanceof Notice.FactsChanged f) facts(siteId, f.visitor());
    }

    // ---- notices ------------------------------------------------------------------------------------

    /**
     * A page view: the page is stored and the visit row moves on. The rollups wait for the visit's end
     * (reports add open visits as they read), so a page view costs a row read and two writes.
     */
    private void page(String siteId, Visitor v) throws SQLException {
        Visit visit = v.visit();
        if (visit == null) return;
        VisitRow row = row(siteId, v);
        if (row == null) return;
        PageVisit current = visit.current();
        int n = v.pageViews();
        if (current == null || row.endedAt != null || n <= row.pageViews) return;
        if (n <= MAX_PAGES && !budget.allows(siteId)) {
            refused++;
        } else if (n <= MAX_PAGES) {
            String url = current.url() == null ? "" : current.url();
            pages.add(new NewPage(siteId, row.visitId, n, url, current.title(), current.enteredAt()));
            budget.charge(siteId, SiteUsage.page(url, current.title()));
        }
        row.pageViews = n;
        row.lastAt = Math.max(row.lastAt, current.enteredAt());
        row.exitUrl = current.url();
        refreshFacts(row, v);
    }

    private void ended(String siteId, Visitor v, long endedAt, String reason) throws SQLException {
        if (v.visit() == null) return;
        VisitRow row = row(siteId, v);
        if (row == null || row.endedAt != null) return;
        if (row.pageViews == 0) page(siteId, v);
        long end = Math.max(endedAt, row.startedAt);
        row.endedAt = end;
        row.lastAt = Math.max(row.lastAt, end);
        row.endReason = reason;
        learned.add(new Learned(Kind.ENDED, siteId, end, row, null));
    }

    private void sent(String siteId, Visitor v, InviteRecord invite) throws SQLException {
        if (v.visit() == null) return;
        StoredInvite inv = invite(siteId, invite.inviteId());
        if (inv.entry != null) return;
        VisitRow row = row(siteId, v);
        if (row == null) return;
        inv.entry = new InviteEntry(invite.inviteId(), invite.sentAt(), invite.guestUrl(), InviteRecord.PENDING, null,
                invite.sentBy().userId(), invite.sentBy().person() ? invite.sentBy().name() : null, invite.tippenCall());
        inv.visitId = row.visitId;
        inv.visitorId = row.visitorId;
        inv.dirty = true;
        row.count(InviteRecord.PENDING, 1);
        learned.add(new Learned(Kind.INVITE, siteId, invite.sentAt(), row, inv.entry));
    }

    private void answered(String siteId, Visitor v, InviteRecord invite) throws SQLException {
        StoredInvite inv = invite(siteId, invite.inviteId());
        if (inv.entry == null) sent(siteId, v, invite);
        if (inv.entry == null || !InviteRecord.PENDING.equals(inv.entry.outcome()) || invite.pending()) return;
        VisitRow row = rowById(siteId, inv.visitId);
        if (row == null) return;
        long at = invite.answeredAt() == null ? invite.expiresAt() : invite.answeredAt();
        inv.entry = inv.entry.answered(invite.outcome(), at);
        inv.dirty = true;
        row.count(InviteRecord.PENDING, -1);
        row.count(invite.outcome(), 1);
        learned.add(new Learned(Kind.INVITE, siteId, at, row, inv.entry));
    }

    /** A call in Tippen connected or ended: learned once each, whatever order or number of times the notices come. */
    private void called(String siteId, Visitor v, InviteRecord invite) throws SQLException {
        if (invite.call() == null) return;
        StoredInvite inv = invite(siteId, invite.inviteId());
        if (inv.entry == null) sent(siteId, v, invite);
        if (inv.entry == null) return;
        InviteEntry before = inv.entry;
        InviteEntry after = before.progressed(invite.call().connectedAt(), invite.call().endedAt(), invite.call().endReason());
        if (after.equals(before)) return;
        inv.entry = after;
        inv.dirty = true;
        VisitRow row = rowById(siteId, inv.visitId);
        if (row == null) return;
        long at = after.endedAt() != null ? after.endedAt() : after.connectedAt() != null ? after.connectedAt() : invite.sentAt();
        learned.add(new Learned(Kind.CALL, siteId, at, row, after));
    }

    private void facts(String siteId, Visitor v) throws SQLException {
        if (v.visit() == null) return;
        VisitRow row = row(siteId, v);
        if (row != null && row.endedAt == null) refreshFacts(row, v);
    }

    // ---- state --------------------------------------------------------------------------------------

    /**
     * The visit the visitor is on, loaded or started; a start numbers the visit and is an event.
     * Null for a visit not recorded because its site is past its history budget.
     */
    private VisitRow row(String siteId, Visitor v) throws SQLException {
        Visit visit = v.visit();
        String k = siteId + '\u0000' + visit.visitId();
        VisitRow row = rows.get(k);
        if (row != null) return row;
        row = load.visit(siteId, visit.visitId());
        if (row != null) {
            originals.put(k, row.copy());
            rows.put(k, row);
            return row;
        }
        if (!budget.allows(siteId)) {
            refused++;
            return null;
        }
        row = new VisitRow();
        row.siteId = siteId;
        row.visitId = visit.visitId();
        row.visitorId = v.visitorId();
        row.startedAt = visit.startedAt();
        row.lastAt = visit.startedAt();
        row.entryUrl = visit.entryUrl();
        row.exitUrl = visit.entryUrl();
        row.referrer = visit.entryReferrer();
        row.utm = visit.utm();
        row.source = Rollup.source(visit.utm() == null ? null : visit.utm().source(), visit.entryReferrer(), visit.entryUrl());
        row.facts = Facts.of(v);
        budget.charge(siteId, SiteUsage.visit(row.entryUrl, row.referrer));
        Visitor0 who = visitor(siteId, v.visitorId());
        who.visits++;
        who.firstSeen = who.firstSeen == 0 ? visit.startedAt() : Math.min(who.firstSeen, visit.startedAt());
        who.lastSeen = Math.max(who.lastSeen, visit.startedAt());
        who.dirty = true;
        row.visitNumber = (int) who.visits;
        rows.put(k, row);
        learned.add(new Learned(Kind.STARTED, siteId, visit.startedAt(), row, null));
        companyArrived(row);
        return row;
    }

    private VisitRow rowById(String siteId, String visitId) throws SQLException {
        String k = siteId + '\u0000' + visitId;
        VisitRow row = rows.get(k);
        if (row != null) return row;
        row = load.visit(siteId, visitId);
        if (row == null) return null;
        originals.put(k, row.copy());
        rows.put(k, row);
        return row;
    }

    private Visitor0 visitor(String siteId, String visitorId) throws SQLException {
        String k = siteId + '\u0000' + visitorId;
        Visitor0 who = visitors.get(k);
        if (who == null) {
            long[] known = load.visitor(siteId, visitorId);
            who = new Visitor0();
            who.visits = known[0];
            who.firstSeen = known[1];
            who.lastSeen = known[2];
            visitors.put(k, who);
        }
        return who;
    }

    private StoredInvite invite(String siteId, String inviteId) throws SQLException {
        String k = siteId + '\u0000' + inviteId;
        StoredInvite inv = invites.get(k);
        if (inv == null) {
            inv = load.invite(siteId, inviteId);
            if (inv == null) inv = new StoredInvite();
            invites.put(k, inv);
        }
        return inv;
    }

    /** A visitor seen from another address may be another company: the open visit follows. */
    private void refreshFacts(VisitRow row, Visitor v) throws SQLException {
        Facts now = Facts.of(v);
        if (now.equals(row.facts)) return;
        row.facts = now;
        companyArrived(row);
    }

    /** The first visit of the day of a named company is an event; its domain and network are kept for the reports. */
    private void companyArrived(VisitRow row) throws SQLException {
        Facts f = row.facts;
        if (!f.namedCompany()) return;
        String k = row.siteId + '\u0000' + f.company();
        Company c = companies.get(k);
        if (c == null) {
            c = new Company();
            c.lastDay = load.companyDay(row.siteId, f.company());
            companies.put(k, c);
        }
        c.domain = f.companyDomain() != null ? f.companyDomain() : c.domain;
        c.network = f.network() != null ? f.network() : c.network;
        c.asn = f.asn() != null ? f.asn() : c.asn;
        c.dirty = true;
        if (c.lastDay >= row.day()) return;
        c.lastDay = row.day();
        learned.add(new Learned(Kind.COMPANY, row.siteId, row.lastAt, row, null));
    }
}
