package dev.tippen.invite;

import dev.tippen.socket.WireJson;
import dev.tippen.visitor.InviteRecord;

/** The messages a visitor socket receives: its own connection and its own invites, nothing else. */
public final class VisitorMessages {
    private VisitorMessages() {}

    public static String connected(String visitorId) {
        return WireJson.object(g -> {
            g.writeStringField("type", "CONNECTED");
            g.writeStringField("visitorId", visitorId);
        });
    }

    public static String videoInvite(String visitorId, InviteRecord invite) {
        return WireJson.object(g -> {
            g.writeStringField("type", "VIDEO_INVITE");
            g.writeStringField("visitorId", visitorId);
            g.writeStringField("guestUrl", invite.guestUrl());
            g.writeStringField("inviteId", invite.inviteId());
            g.writeNumberField("expiresAt", invite.expiresAt());
        });
    }
}
