package dev.tippen.visitor;

import java.util.ArrayList;
import java.util.List;

/**
 * A visitor's video calls: the last guest URL and decline (as the original dashboard shows them) and
 * the most recent invites, newest last, at most {@link #MAX_INVITES}.
 */
public record Calls(String guestUrl, Long declinedAt, List<InviteRecord> invites) {
    public static final int MAX_INVITES = 5;
    public static final Calls NONE = new Calls(null, null, List.of());

    public Calls {
        invites = invites == null ? List.of() : List.copyOf(invites);
    }

    /** The invite still waiting for an answer, if any (it may have passed its expiry and await the sweep). */
    public InviteRecord pending() {
        if (invites.isEmpty()) return null;
        InviteRecord last = invites.get(invites.size() - 1);
        return last.pending() ? last : null;
    }

    /** The call in Tippen the visitor is in (joined, not ended), if any. */
    public InviteRecord inCall() {
        if (invites.isEmpty()) return null;
        InviteRecord last = invites.get(invites.size() - 1);
        return last.inCall() ? last : null;
    }

    /** The invite by that id, if it is still among the most recent. */
    public InviteRecord invite(String inviteId) {
        for (InviteRecord i : invites) if (i.inviteId().equals(inviteId)) return i;
        return null;
    }

    /** The invite of the same id replaced by {@code updated}. */
    Calls replaced(InviteRecord updated) {
        List<InviteRecord> next = new ArrayList<>(invites);
        for (int i = 0; i < next.size(); i++) if (next.get(i).inviteId().equals(updated.inviteId())) next.set(i, updated);
        return new Calls(guestUrl, declinedAt, next);
    }

    Calls sent(InviteRecord invite, long now) {
        List<InviteRecord> next = new ArrayList<>(invites.size() + 1);
        for (InviteRecord i : invites) next.add(i.pending() ? i.closed(InviteRecord.EXPIRED, now) : i);
        next.add(invite);
        while (next.size() > MAX_INVITES) next.remove(0);
        return new Calls(invite.guestUrl(), declinedAt, next);
    }

    /** The pending invite closed with {@code how}; the record of it is returned by {@link #pending()} before. */
    Calls answered(String how, long now) {
        Long declined = InviteRecord.DECLINED.equals(how) ? Long.valueOf(now) : declinedAt;
        InviteRecord p = pending();
        if (p == null) return new Calls(guestUrl, declined, invites);
        List<InviteRecord> next = new ArrayList<>(invites);
        next.set(next.size() - 1, p.closed(how, now));
        return new Calls(guestUrl, declined, next);
    }
}
