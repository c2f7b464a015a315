package dev.tippen.visitor;

import java.time.Duration;

/** The per-site rules every coordinator follows. */
public record SiteSettings(Duration visitorTtl, Duration sweepInterval, Duration inviteTtl, int maxVisitors) {}
