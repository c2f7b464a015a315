package dev.tippen.visitor;

import java.util.List;

/**
 * What a committed change means, in the domain's own terms; every subscriber of the change stream
 * (dashboards, visitor sockets, history, notifications) renders what it needs from these. A
 * {@link Recorded} notice is also kept durably with the change itself, so the history and the
 * notifications can rely on hearing it once the change is acknowledged, across a crash.
 */
public sealed interface Notice {

    /** Notices the history and notifications are built from; stored in the same step as the change. */
    sealed interface Recorded extends Notice permits PageViewed, VisitEnded, InviteSent, InviteAnswered, InviteLapsed,
            CallProgressed, FactsChanged, VisitorErased {
        /** The visitor the notice is about. */
        String visitorId();
    }

    /** A visitor on the live list changed (or appeared): {@code event} says what did it. */
    record VisitorChanged(Visitor visitor, String event) implements Notice {}

    /** Visitors left the live list. */
    record VisitorsRemoved(List<String> visitorIds, Removal reason) implements Notice {}

    /** The whole live list, as it stands after a cleanup removed someone; {@code hiddenBots} were left off it. */
    record ListRefreshed(List<Visitor> visitors, int hiddenBots) implements Notice {}

    /** A page of a visit was viewed; the first page starts the visit. */
    record PageViewed(Visitor visitor) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    /** A visit ended at {@code endedAt}: by an exit, or by staying idle past the gap. */
    record VisitEnded(Visitor visitor, long endedAt, Removal reason) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    record InviteSent(Visitor visitor, InviteRecord invite) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    record InviteAnswered(Visitor visitor, InviteRecord invite) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    /** An invite nobody answered in time, or that a newer invite replaced. */
    record InviteLapsed(Visitor visitor, InviteRecord invite) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    /** A call in Tippen connected or ended ({@code invite.call()} says which). */
    record CallProgressed(Visitor visitor, InviteRecord invite) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    /** Who the visitor is changed without a page view: a provider's late answer, or a heartbeat from a new address. */
    record FactsChanged(Visitor visitor) implements Recorded {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    /** Everything about the visitor is to be forgotten. */
    /**
     * {@code receipt}: left in the history once the erasure is applied there, so whoever asked for it
     * can answer only then (null: nobody waits).
     */
    record VisitorErased(String visitorId, String receipt) implements Recorded {}
}
