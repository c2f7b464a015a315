package dev.tippen.visitor;

import java.time.Duration;

/**
 * The rules every site follows. {@code showBots} puts visitors flagged as bots on the dashboards'
 * live list (by default they are stored but not shown); {@code exitGrace} is how long an exit of the
 * current page waits for the next page view before the visitor is taken off the list; a visit ends
 * after {@code visitGap} without events (never later than {@code visitorTtl}, when the live visitor
 * is removed).
 */
public record SiteSettings(Duration visitorTtl, Duration sweepInterval, Duration inviteTtl, int maxVisitors,
                           boolean showBots, Duration exitGrace, Duration visitGap) {

    public SiteSettings {
        if (visitGap == null || visitGap.compareTo(visitorTtl) > 0) visitGap = visitorTtl;
        if (exitGrace == null) exitGrace = Duration.ZERO;
    }
}
