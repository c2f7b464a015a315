package dev.tippen.history;

import java.util.Comparator;

/** A report: a site, a dimension, a range of whole UTC days (both inclusive), an order and a row limit. */
record ReportQuery(String siteId, String dimension, long fromDay, long toDay, String sort, int limit) {
    static final java.util.List<String> DIMENSIONS = java.util.List.of(
            Rollup.COMPANIES, Rollup.PAGES, Rollup.SOURCES, Rollup.COUNTRIES, Rollup.DEVICES, Rollup.INVITES);
    static final java.util.List<String> SORTS = java.util.List.of("visits", "visitors", "pageViews", "totalSeconds", "lastSeen", "score");

    /** Largest first; ties by key, so a report reads the same every time. */
    Comparator<ReportRow> order() {
        Comparator<ReportRow> by = switch (sort) {
            case "visitors" -> Comparator.comparingLong(ReportRow::visitors);
            case "pageViews" -> Comparator.comparingLong(ReportRow::pageViews);
            case "totalSeconds" -> Comparator.comparingLong(ReportRow::totalSeconds);
            case "lastSeen" -> Comparator.comparingLong(ReportRow::lastSeen);
            case "score" -> Comparator.comparingLong(ReportRow::score);
            default -> Comparator.comparingLong(ReportRow::visits);
        };
        return by.reversed().thenComparing(ReportRow::key);
    }
}
