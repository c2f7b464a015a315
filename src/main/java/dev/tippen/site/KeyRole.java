package dev.tippen.site;

import java.util.Locale;

/**
 * What a key may open. A PUBLIC key sits in every web page, so it only tracks and listens for invites;
 * a SECRET key watches visitors and sends invites. BOTH is the single-key mode kept for drop-in
 * compatibility with deployments that embedded one key everywhere.
 */
public enum KeyRole {
    PUBLIC, SECRET, BOTH;

    public boolean allows(KeyRole wanted) {
        return this == BOTH || this == wanted;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyRole fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
