package dev.tippen.history;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The daily rollups: for each dimension, day, key and visitor, what the ended visits of that day
 * added up to. A visit belongs to the day it started and is added once, when it ends (reports add
 * open visits as they read). Visit-level dimensions (companies, sources, countries, devices,
 * invites) are computed from the whole visit row, so a change to an ended visit (an invite answered
 * after it) reaches them as one difference; pages are added from the visit's stored pages.
 */
final class Rollup {
    static final String COMPANIES = "companies";
    static final String PAGES = "pages";
    static final String SOURCES = "sources";
    static final String COUNTRIES = "countries";
    static final String DEVICES = "devices";
    static final String INVITES = "invites";
    static final String UNKNOWN = "(unknown)";
    static final String DIRECT = "(direct)";
    static final int KEY_MAX = 256;

    /** One row of {@code daily}. */
    record Cell(String siteId, String dim, long day, String key, String visitorId) {}

    /** What a row adds up; {@code lastSeen} is a maximum, the rest are sums. */
    static final class Sums {
        long visits, pageViews, seconds, lastSeen, invites, accepted, declined;

        void add(Sums o, int sign) {
            visits += sign * o.visits;
            pageViews += sign * o.pageViews;
            seconds += sign * o.seconds;
            invites += sign * o.invites;
            accepted += sign * o.accepted;
            declined += sign * o.declined;
            if (sign > 0) lastSeen = Math.max(lastSeen, o.lastSeen);
        }

        boolean zero() {
            return visits == 0 && pageViews == 0 && seconds == 0 && invites == 0 && accepted == 0 && declined == 0;
        }

        boolean shrinks() {
            return visits < 0 || pageViews < 0 || seconds < 0 || invites < 0 || accepted < 0 || declined < 0;
        }
    }

    private Rollup() {}

    /** What one visit contributes to the visit-level dimensions. */
    static Map<Cell, Sums> of(VisitRow v) {
        Map<Cell, Sums> out = new HashMap<>(8);
        long day = v.day();
        Facts f = v.facts;
        if (f.namedCompany()) put(out, new Cell(v.siteId, COMPANIES, day, cut(f.company()), v.visitorId), v, v.invites());
        put(out, new Cell(v.siteId, SOURCES, day, v.source, v.visitorId), v, v.invites());
        put(out, new Cell(v.siteId, COUNTRIES, day, f.country() == null ? UNKNOWN : f.country(), v.visitorId), v, v.invites());
        put(out, new Cell(v.siteId, DEVICES, day, f.device() == null ? UNKNOWN : cut(f.device()), v.visitorId), v, v.invites());
        invite(out, v, day, "pending", v.pending);
        invite(out, v, day, "accepted", v.accepted);
        invite(out, v, day, "declined", v.declined);
        invite(out, v, day, "expired", v.expired);
        return out;
    }

    private static void invite(Map<Cell, Sums> out, VisitRow v, long day, String outcome, int count) {
        if (count > 0) put(out, new Cell(v.siteId, INVITES, day, outcome, v.visitorId), v, count);
    }

    private static void put(Map<Cell, Sums> out, Cell cell, VisitRow v, int invites) {
        Sums s = new Sums();
        s.visits = 1;
        s.pageViews = v.pageViews;
        s.seconds = v.durationSeconds();
        s.lastSeen = v.lastAt;
        s.invites = invites;
        s.accepted = v.accepted;
        s.declined = v.declined;
        out.put(cell, s);
    }

    /** A stored page of a visit, as the pages rollup reads it. */
    record StoredPage(int n, String url, String title, long enteredAt) {}

    /** Each page's time: until the next page, the last until {@code end}. */
    static long[] seconds(List<StoredPage> pages, long end) {
        long[] out = new long[pages.size()];
        for (int i = 0; i < out.length; i++) {
            long until = i + 1 < out.length ? pages.get(i + 1).enteredAt() : end;
            out[i] = Math.max(0, (until - pages.get(i).enteredAt()) / 1000);
        }
        return out;
    }

    /** What a visit's pages add to the pages rollup: a visit per page it saw, a view per page view, the time on each. */
    static void pages(VisitRow v, List<StoredPage> pages, long[] seconds, Map<Cell, Sums> into) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < pages.size(); i++) {
            String key = page(pages.get(i).url());
            Sums s = into.computeIfAbsent(new Cell(v.siteId, PAGES, v.day(), key, v.visitorId), k -> new Sums());
            if (seen.add(key)) s.visits++;
            s.pageViews++;
            s.seconds += seconds[i];
            s.lastSeen = Math.max(s.lastSeen, pages.get(i).enteredAt());
        }
    }

    /** Adds {@code after - before} of one visit to {@code into}. */
    static void difference(VisitRow before, VisitRow after, Map<Cell, Sums> into) {
        if (before != null) for (Map.Entry<Cell, Sums> e : of(before).entrySet()) into.computeIfAbsent(e.getKey(), k -> new Sums()).add(e.getValue(), -1);
        if (after != null) for (Map.Entry<Cell, Sums> e : of(after).entrySet()) into.computeIfAbsent(e.getKey(), k -> new Sums()).add(e.getValue(), 1);
    }

    /** Where a visit came from: its campaign's source, else the referring site unless it is the site itself, else direct. */
    static String source(String utmSource, String referrer, String entryUrl) {
        if (utmSource != null && !utmSource.isBlank()) return cut(utmSource.toLowerCase(Locale.ROOT));
        String from = host(referrer);
        if (from == null || from.equals(host(entryUrl))) return DIRECT;
        return from;
    }

    /** A page's key: its address without query or fragment, so one page is one row however it was linked. */
    static String page(String url) {
        if (url == null) return UNKNOWN;
        int end = url.length();
        int q = url.indexOf('?');
        if (q >= 0) end = q;
        int h = url.indexOf('#');
        if (h >= 0 && h < end) end = h;
        return cut(url.substring(0, end));
    }

    static String host(String url) {
        if (url == null || url.isBlank()) return null;
        try {
            String h = URI.create(url.trim()).getHost();
            if (h == null) return null;
            h = h.toLowerCase(Locale.ROOT);
            return h.startsWith("www.") ? h.substring(4) : h;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String cut(String s) {
        return s.length() <= KEY_MAX ? s : s.substring(0, KEY_MAX);
    }
}
