package dev.tippen.visitor;

import java.util.List;

/** One committed change of a site, as the change stream carries it: {@code seq} numbers it within the site. */
public record SiteChange(String siteId, long seq, List<Notice> notices) {}
