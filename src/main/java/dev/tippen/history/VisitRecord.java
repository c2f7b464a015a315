package dev.tippen.history;

import dev.tippen.visitor.Utm;
import java.util.List;

/**
 * A visit as the history keeps it. {@code endedAt} is null while the visit is open; {@code source} is
 * where it came from (the campaign's source, else the referring site, else "(direct)").
 * {@code visitNumber} counts the visitor's visits, 1 for a new visitor.
 */
public record VisitRecord(String visitId, String visitorId, long startedAt, Long endedAt, long durationSeconds, int pageViews,
                          String entryPage, String exitPage, String referrer, Utm utm, String source, Facts facts,
                          int visitNumber, String endReason, List<PageRecord> pages, List<InviteEntry> invites) {}
