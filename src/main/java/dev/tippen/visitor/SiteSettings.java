package dev.tippen.visitor;

import java.time.Duration;

/**
 * The per-site rules every coordinator follows. {@code showBots} puts visitors flagged as bots on the
 * dashboards' live list; by default they are stored but not shown.
 */
public record SiteSettings(Duration visitorTtl, Duration sweepInterval, Duration inviteTtl, int maxVisitors,
                           boolean showBots) {}
