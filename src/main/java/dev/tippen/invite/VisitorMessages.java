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
            // A call in Tippen: the tracker opens its own call page, after asking this socket for a token.
            if (invite.tippenCall()) g.writeStringField("callId", invite.inviteId());
        });
    }

    /** The answer to CALL_JOIN: the call's token, for this socket's browser only. */
    public static String callToken(String callId, String token) {
        return WireJson.object(g -> {
            g.writeStringField("type", "CALL_TOKEN");
            g.writeStringField("callId", callId);
            g.writeStringField("token", token);
        });
    }

    public static String callEnded(String callId, String reason) {
        return WireJson.object(g -> {
            g.writeStringField("type", "CALL_ENDED");
            g.writeStringField("callId", callId);
            g.writeStringField("reason", reason);
        });
    }
}
