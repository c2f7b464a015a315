package dev.tippen.call;

import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;

/** The calls' subscription to the change stream: a call that ended in its visitor's record ends for its parties here. */
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
            }
        }
    }
}
