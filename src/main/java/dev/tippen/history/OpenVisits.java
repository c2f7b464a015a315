package dev.tippen.history;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The history writer's cache of open visits, least recently used first out, bounded by an
 * estimate of the heap its rows hold. Used by the writer's one thread only.
 */
final class OpenVisits {
    private final long maxBytes;
    private final LinkedHashMap<String, VisitRow> rows = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;

    OpenVisits(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    VisitRow get(String key) {
        return rows.get(key);
    }

    void put(String key, VisitRow row) {
        VisitRow before = rows.put(key, row);
        if (before != null) bytes -= weight(before);
        bytes += weight(row);
        for (Iterator<VisitRow> it = rows.values().iterator(); bytes > maxBytes && it.hasNext(); ) {
            bytes -= weight(it.next());
            it.remove();
        }
    }

    void remove(String key) {
        VisitRow before = rows.remove(key);
        if (before != null) bytes -= weight(before);
    }

    void removeVisitor(String siteId, String visitorId) {
        for (Iterator<Map.Entry<String, VisitRow>> it = rows.entrySet().iterator(); it.hasNext(); ) {
            VisitRow r = it.next().getValue();
            if (r.siteId.equals(siteId) && r.visitorId.equals(visitorId)) {
                bytes -= weight(r);
                it.remove();
            }
        }
    }

    void clear() {
        rows.clear();
        bytes = 0;
    }

    int size() {
        return rows.size();
    }

    long bytes() {
        return bytes;
    }

    /**
     * About what a row keeps alive: the object, its map entry, its key (site and visit id) and its
     * own strings, each at two bytes a character (a string of Latin-1 text takes one).
     */
    static long weight(VisitRow r) {
        long w = 220 + str(r.siteId) + str(r.visitId) + str(r.siteId) + str(r.visitId) + str(r.visitorId) + str(r.endReason)
                + str(r.entryUrl) + str(r.exitUrl) + str(r.referrer) + str(r.source);
        if (r.utm != null) w += 40 + str(r.utm.source()) + str(r.utm.medium()) + str(r.utm.campaign()) + str(r.utm.term())
                + str(r.utm.content());
        Facts f = r.facts;
        if (f != null) w += 80 + str(f.company()) + str(f.companyDomain()) + str(f.network()) + str(f.country())
                + str(f.countryName()) + str(f.region()) + str(f.city()) + str(f.device()) + str(f.os()) + str(f.browser());
        return w;
    }

    private static long str(String s) {
        return s == null ? 0 : 40 + 2L * s.length();
    }
}
