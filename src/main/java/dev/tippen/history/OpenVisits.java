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
     * About what a row keeps alive: the object, its map entry and key, and its own strings (two
     * bytes a character at worst). The facts are counted too, though rows of one visitor share them.
     */
    static long weight(VisitRow r) {
        long chars = len(r.siteId) * 2L + len(r.visitId) * 2L + len(r.visitorId) + len(r.endReason) + len(r.entryUrl)
                + len(r.exitUrl) + len(r.referrer) + len(r.source);
        if (r.utm != null) chars += len(r.utm.source()) + len(r.utm.medium()) + len(r.utm.campaign()) + len(r.utm.term())
                + len(r.utm.content());
        Facts f = r.facts;
        if (f != null) chars += len(f.company()) + len(f.companyDomain()) + len(f.network()) + len(f.country())
                + len(f.countryName()) + len(f.region()) + len(f.city()) + len(f.device()) + len(f.os()) + len(f.browser());
        return 400 + 2 * chars;
    }

    private static int len(String s) {
        return s == null ? 0 : s.length() + 24;
    }
}
