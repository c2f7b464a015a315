package dev.tippen.call;

import dev.tippen.site.VisitorTokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A call's tickets: what lets one party's page open the call's socket. A ticket names the site, the
 * visitor, the call, the party and who it was given to (the agent's user id or key hash; the
 * visitor's id), until when; it is signed under the installation's secret, so any node checks it
 * without a look-up. The agent's is handed to the person who sent the invite, in its answer; the
 * visitor's only to a socket carrying the visitor's token, when its browser presses Join.
 */
public final class CallTickets {
    /** A ticket outlives no call: calls are refused once this old. */
    static final long LIFETIME_MILLIS = 4 * 3600_000L;

    public enum Party {
        AGENT, VISITOR;

        public String wire() {
            return this == AGENT ? "agent" : "visitor";
        }

        public Party other() {
            return this == AGENT ? VISITOR : AGENT;
        }
    }

    /** What a valid ticket says. */
    public record Ticket(String siteId, String visitorId, String callId, Party party, String holder, long expiresAt) {}

    private final VisitorTokens macs;

    public CallTickets(VisitorTokens macs) {
        this.macs = macs;
    }

    public String issue(Ticket t) {
        String payload = String.join("\n", t.siteId(), t.visitorId(), t.callId(), t.party().wire(), t.holder(),
                Long.toString(t.expiresAt()));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + mac(t.siteId(), payload);
    }

    /** The ticket's contents if it is genuine and not expired at {@code now}; null otherwise. */
    public Ticket verify(String ticket, long now) {
        if (ticket == null || ticket.length() > 1024) return null;
        int dot = ticket.lastIndexOf('.');
        if (dot <= 0) return null;
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(ticket.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String[] f = payload.split("\n", -1);
        if (f.length != 6 || !f[3].equals("agent") && !f[3].equals("visitor")) return null;
        if (!macs.valid(f[0], subject(payload), ticket.substring(dot + 1))) return null;
        long expiresAt;
        try {
            expiresAt = Long.parseLong(f[5]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (expiresAt <= now) return null;
        return new Ticket(f[0], f[1], f[2], f[3].equals("agent") ? Party.AGENT : Party.VISITOR, f[4], expiresAt);
    }

    private String mac(String siteId, String payload) {
        return macs.issue(siteId, subject(payload));
    }

    /** A visitor id never holds a NUL, so no ticket's signature is ever a visitor's token. */
    private static String subject(String payload) {
        return "\u0000call\u0000" + payload;
    }
}
