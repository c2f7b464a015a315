package dev.tippen.call;

import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;

/**
 * The calls' subscription to the change stream: a call that ended in its visitor's record (or was
 * declined, or lapsed unanswered) ends for its parties here.
 */
public final class CallFeed implements ChangeListener {
    private final CallRelay relay;

    public CallFeed(CallRelay relay) {
        this.relay = relay;
    }

    @Override
    public void onChange(SiteChange change) {
        for (Notice n : change.notices()) {
            if (n instanceof Notice.CallProgressed p && p.invite().call().ended()) {
                relay.endedElsewhere(p.invite().inviteId(), p.invite().call().endReason());
            } else if (n instanceof Notice.InviteAnswered a && a.invite().tippenCall() && "declined".equals(a.invite().outcome())) {
                relay.endedElsewhere(a.invite().inviteId(), "declined");
            } else if (n instanceof Notice.InviteLapsed l && l.invite().tippenCall() && !l.invite().call().ended()) {
                // Nobody answered in time, or a newer invite replaced this one.
                relay.endedElsewhere(l.invite().inviteId(), "missed");
            }
        }
    }
}
