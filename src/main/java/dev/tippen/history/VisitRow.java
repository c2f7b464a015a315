package dev.tippen.history;

import dev.tippen.visitor.Utm;

/**
 * One row of {@code visits} while a batch of notices is applied to it: loaded once, changed in
 * memory by every notice of the batch, written once. {@link #copy} keeps what it was when loaded,
 * so the rollups receive the difference.
 */
final class VisitRow {
    String siteId;
    String visitId;
    String visitorId;
    int visitNumber;
    long startedAt;
    long lastAt;
    Long endedAt;
    String endReason;
    int pageViews;
    String entryUrl;
    String exitUrl;
    String referrer;
    Utm utm;
    String source;
    Facts facts = Facts.NONE;
    int pending;
    int accepted;
    int declined;
    int expired;

    long day() {
        return Days.of(startedAt);
    }

    /** The visit's length so far: to its end, else to the last activity recorded. */
    long durationSeconds() {
        long until = endedAt != null ? endedAt : lastAt;
        return Math.max(0, (until - startedAt) / 1000);
    }

    int invites() {
        return pending + accepted + declined + expired;
    }

    void count(String outcome, int delta) {
        switch (outcome) {
            case "accepted" -> accepted += delta;
            case "declined" -> declined += delta;
            case "expired" -> expired += delta;
            default -> pending += delta;
        }
    }

    VisitRow copy() {
        VisitRow c = new VisitRow();
        c.siteId = siteId;
        c.visitId = visitId;
        c.visitorId = visitorId;
        c.visitNumber = visitNumber;
        c.startedAt = startedAt;
        c.lastAt = lastAt;
        c.endedAt = endedAt;
        c.endReason = endReason;
        c.pageViews = pageViews;
        c.entryUrl = entryUrl;
        c.exitUrl = exitUrl;
        c.referrer = referrer;
        c.utm = utm;
        c.source = source;
        c.facts = facts;
        c.pending = pending;
        c.accepted = accepted;
        c.declined = declined;
        c.expired = expired;
        return c;
    }
}
