package dev.tippen.visitor;

import java.util.Locale;

/** Why visitors left the live list, as dashboards are told ({@code VISITOR_REMOVED.reason}). */
public enum Removal {
    /** The visitor left the site (an exit that no page view followed within the grace). */
    EXIT,
    /** The visitor turned out to be a bot, and bots are not shown. */
    BOT,
    /** Idle past the visitor TTL. */
    INACTIVE,
    /** Erased on request, with everything kept about them. */
    ERASED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
