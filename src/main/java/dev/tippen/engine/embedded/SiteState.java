package dev.tippen.engine.embedded;

import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One site's committed state on this node, the counterpart of the original's Durable Object: only
 * ever touched on the site's lane, so nothing here needs a lock. What is in these maps is stored;
 * a change becomes visible here only after its commit.
 */
final class SiteState {
    private record Due(long at, String visitorId) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : visitorId.compareTo(o.visitorId);
        }
    }

    final String siteId;
    /** Ordered by last activity (an active visitor moves to the end), so expiry reads from the front. */
    final LinkedHashMap<String, Visitor> visitors = new LinkedHashMap<>();
    /** The change each visitor is waiting on, if any: a visitor's changes are decided one after another. */
    final Map<String, Future<?>> chains = new HashMap<>();
    /** Visitors with something due besides expiry (an exit in its grace, a pending invite), by when. */
    private final TreeSet<Due> settling = new TreeSet<>();
    private final Map<String, Long> settleAt = new HashMap<>();
    /** What each visitor is charged against the memory budgets (see VisitorBudget). */
    private final Map<String, Integer> charges = new HashMap<>();
    /** The sum of {@link #charges}. */
    long bytes;
    /** New visitors whose change is being stored: they count against the site's limits already. */
    int creating;
    long creatingBytes;
    int inFlight;
    /** What the site may store a second (bytes of visitors written), made at its first write. */
    io.github.bucket4j.Bucket writes;
    /** Until when the site's events are refused before being read (written on the lane, read by any thread). */
    volatile long writesRefusedUntil;
    int live;
    int hiddenBots;
    long seq;
    long sweepTimer = -1;
    long sweepAt;
    long lastSweep;

    SiteState(String siteId) {
        this.siteId = siteId;
    }

    /**
     * A committed change: the visitor's new state (null: removed), its order, its due time and its
     * charge kept right. {@code charge}: what the new state costs, or {@link #SAME_CHARGE} when only
     * its times moved. Returns how far the site's bytes moved.
     */
    long apply(SiteRules rules, String visitorId, Visitor after, int charge) {
        Visitor before = visitors.get(visitorId);
        count(rules, before, -1);
        if (after == null) {
            visitors.remove(visitorId);
        } else if (before != null && after.lastActivity() <= before.lastActivity()) {
            visitors.put(visitorId, after); // no new activity: the visitor keeps its place in the order
        } else {
            visitors.remove(visitorId);
            visitors.put(visitorId, after);
        }
        count(rules, after, +1);
        Long was = settleAt.remove(visitorId);
        if (was != null) settling.remove(new Due(was, visitorId));
        long due = after == null ? Long.MAX_VALUE : rules.settleAt(after);
        if (due != Long.MAX_VALUE) {
            settleAt.put(visitorId, due);
            settling.add(new Due(due, visitorId));
        }
        Integer old = after == null ? charges.remove(visitorId)
                : charge == SAME_CHARGE ? null : charges.put(visitorId, charge);
        long delta = (after == null || charge == SAME_CHARGE ? 0 : charge) - (old == null ? 0 : old);
        bytes += delta;
        return delta;
    }

    /** See {@link #apply}: a change that kept the visitor's stored size. */
    static final int SAME_CHARGE = -1;

    private void count(SiteRules rules, Visitor v, int sign) {
        if (v == null || !v.live()) return;
        live += sign;
        if (!rules.shown(v)) hiddenBots += sign;
    }

    /** The earliest time something is due: an expiry, an exit's grace, an invite's lapse. */
    long nextDue(long ttlMillis) {
        long due = Long.MAX_VALUE;
        if (!visitors.isEmpty()) due = visitors.values().iterator().next().lastActivity() + ttlMillis;
        if (!settling.isEmpty()) due = Math.min(due, settling.first().at());
        return due;
    }

    /** Visitors with an exit or invite due by {@code now}. */
    List<String> settleDue(long now) {
        List<String> out = new ArrayList<>();
        for (Due d : settling) {
            if (d.at() > now) break;
            out.add(d.visitorId());
        }
        return out;
    }

    /** The live list as dashboards see it. */
    List<Visitor> shown(SiteRules rules) {
        List<Visitor> out = new ArrayList<>(live);
        for (Visitor v : visitors.values()) if (rules.shown(v)) out.add(v);
        return out;
    }

    boolean idle() {
        return visitors.isEmpty() && chains.isEmpty() && inFlight == 0;
    }
}
