package dev.tippen.history;

/**
 * What the history learned while recording a batch of changes, in the order it learned it: what the
 * notifications are made of. Each is learned once: a notice applied again (after a crash, or sent
 * twice) teaches nothing new.
 */
public sealed interface HistoryEvent {
    String siteId();

    long at();

    /** A visit's first page view; {@code visit.visitNumber() > 1} for a returning visitor. */
    record VisitStarted(String siteId, long at, VisitRecord visit) implements HistoryEvent {}

    /** A named company's first visit of the (UTC) day, once its name is known. */
    record CompanyArrived(String siteId, long at, VisitRecord visit) implements HistoryEvent {}

    /** An invite was sent, accepted, declined or expired ({@code invite.outcome()}; "pending" when sent). */
    record InviteChanged(String siteId, long at, InviteEntry invite, VisitRecord visit) implements HistoryEvent {}

    /** A call in Tippen connected ({@code call.endedAt()} null) or ended; {@code call} is its record as it stands. */
    record CallChanged(String siteId, long at, InviteEntry call, VisitRecord visit) implements HistoryEvent {}

    /** A visit ended; the record is complete, with its pages and invites. */
    record VisitEnded(String siteId, long at, VisitRecord visit) implements HistoryEvent {}

    /** Everything about a visitor was erased from the history; what still waits to be sent about it must go too. */
    record VisitorErased(String siteId, long at, String visitorId) implements HistoryEvent {}
}
