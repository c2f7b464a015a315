package dev.tippen.invite;

import dev.tippen.socket.Hub;
import dev.tippen.socket.Text;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;

/** The visitor sockets' subscription to the change stream: an invite reaches its visitor's sockets here. */
public final class VisitorFeed implements ChangeListener {
    private final Hub hub;

    public VisitorFeed(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void onChange(SiteChange change) {
        for (Notice n : change.notices()) {
            if (n instanceof Notice.InviteSent s) {
                String visitorId = s.visitor().visitorId();
                hub.toVisitor(change.siteId(), change.seq(), visitorId, Text.of(VisitorMessages.videoInvite(visitorId, s.invite())));
            } else if (n instanceof Notice.CallProgressed p && p.invite().call().ended()) {
                // The overlay closes: a call called off before the visitor joined, or one that ended without its page hearing it.
                String visitorId = p.visitor().visitorId();
                hub.toVisitor(change.siteId(), change.seq(), visitorId,
                        Text.of(VisitorMessages.callEnded(p.invite().inviteId(), p.invite().call().endReason())));
            }
        }
    }
}
