package dev.tippen.history;

/**
 * One row of a report: a key (a company, a page, a source, a country, a device, an invite outcome)
 * and what its visits add up to in the range. {@code domain}, {@code network} and {@code sparkline}
 * (visits per day of the range) are filled for companies only.
 */
public record ReportRow(String key, long visits, long visitors, long pageViews, long totalSeconds, long lastSeen,
                        long daysActive, long invites, long accepted, long declined, String domain, String network,
                        long[] sparkline) {

    /**
     * How engaged a company is over the range: a point per page view and per minute on the site, ten
     * per day it came back on, five per person from it. See docs/history.md.
     */
    public long score() {
        return pageViews + totalSeconds / 60 + 10 * daysActive + 5 * visitors;
    }

    ReportRow withCompany(String domain, String network, long[] sparkline) {
        return new ReportRow(key, visits, visitors, pageViews, totalSeconds, lastSeen, daysActive, invites, accepted, declined,
                domain, network, sparkline);
    }
}
