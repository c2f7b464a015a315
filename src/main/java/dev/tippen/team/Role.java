package dev.tippen.team;

import java.util.Locale;

/**
 * What a person may do on one site, each role everything the one before it may and more:
 * a VIEWER reads, an AGENT also invites visitors, an ADMIN also runs the site (keys, webhooks,
 * teammates below admin, erasure), an OWNER also manages admins and owners.
 */
public enum Role {
    VIEWER, AGENT, ADMIN, OWNER;

    public boolean atLeast(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role a wire name names, or null when it names none. */
    public static Role parse(String wire) {
        if (wire == null) return null;
        for (Role r : values()) if (r.wire().equals(wire.trim().toLowerCase(Locale.ROOT))) return r;
        return null;
    }
}
