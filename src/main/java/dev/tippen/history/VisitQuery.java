package dev.tippen.history;

/**
 * A page of the visits list: a site, a range of start times ({@code from} inclusive, {@code to}
 * exclusive, epoch ms), optional filters, and the cursor where the previous page stopped (by start time and visit id).
 */
record VisitQuery(String siteId, long from, long to, String visitorId, String company, String country, String network,
                  String page, int limit, Keyset cursor) {
}
