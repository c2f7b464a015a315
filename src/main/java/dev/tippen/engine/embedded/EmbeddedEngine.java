package dev.tippen.engine.embedded;

import dev.tippen.config.Budgets;
import dev.tippen.engine.NoticeCodec;
import dev.tippen.engine.VisitorCodec;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.visitor.Change;
import dev.tippen.visitor.Engine;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;
import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's engine: every site's visitors in memory, each site on its own lane, made durable in
 * SQLite by group commit before anything is applied, published or acknowledged. A site's state is
 * made on first use and dropped when it holds nothing, so an idle site costs nothing.
 */
public final class EmbeddedEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);
    /** The most visitors one sweep removes in one transaction; the rest go in the next sweep. */
    static final int MAX_EXPIRED_PER_SWEEP = 5_000;

    private final Vertx vertx;
    private final SiteLanes lanes;
    private final SqliteStore store;
    private final MemoryBroker broker;
    private final LocalPresence presence;
    private final SiteRules rules;
    private final VisitorBudget budget;
    private final DiskSpace disk;
    /** A site's share of the disk's writes (0: none): every page view rewrites its visitor, trail and all. */
    private final long siteWriteBytesPerSecond;
    private final TippenMetrics metrics;
    private final Clock clock;
    private final ConcurrentHashMap<String, SiteState> sites = new ConcurrentHashMap<>();
    private volatile boolean recording;

    EmbeddedEngine(Vertx vertx, SiteLanes lanes, SqliteStore store, MemoryBroker broker, LocalPresence presence,
                   SiteRules rules, VisitorBudget budget, DiskSpace disk, long siteWriteBytesPerSecond, TippenMetrics metrics, Clock clock) {
        this.disk = disk;
        this.siteWriteBytesPerSecond = siteWriteBytesPerSecond;
        this.vertx = vertx;
        this.lanes = lanes;
        this.store = store;
        this.broker = broker;
        this.presence = presence;
        this.rules = rules;
        this.budget = budget;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Once something reads the outbox (the history), changes also store their recorded notices. */
    void record(boolean on) {
        recording = on;
    }

    /** Loads what the store kept; completes once every site is back. */
    Future<Void> restore(Map<String, List<Visitor>> stored) {
        List<Future<Void>> done = new ArrayList<>();
        stored.forEach((siteId, visitors) -> done.add(lanes.run(siteId, () -> {
            SiteState s = state(siteId);
            long charged = 0;
            for (Visitor v : visitors) {
                charged += s.apply(rules, v.visitorId(), v, Budgets.visitorBytes(VisitorCodec.utf8(v).length));
                if (v.live()) metrics.liveVisitors(1);
            }
            metrics.hiddenBots(s.hiddenBots);
            budget.hold(visitors.size(), charged);
            scheduleSweep(s);
            return Future.succeededFuture();
        })));
        return Future.all(done).mapEmpty();
    }

    @Override
    public <T> Future<Applied<T>> change(String siteId, String visitorId, Decide<T> decide) {
        return lanes.run(siteId, () -> {
            SiteState s = state(siteId);
            Future<?> before = s.chains.get(visitorId);
            Future<Applied<T>> mine = before == null ? attempt(s, visitorId, decide)
                    : before.transform(ar -> lanes.run(siteId, () -> attempt(s, visitorId, decide)));
            if (mine.isComplete()) {
                releaseIfIdle(s);
                return mine;
            }
            s.chains.put(visitorId, mine);
            mine.onComplete(ar -> lanes.execute(siteId, () -> {
                s.chains.remove(visitorId, mine);
                releaseIfIdle(s);
            }));
            return mine;
        });
    }

    /** On the site's lane, with no other change of this visitor in flight. */
    private <T> Future<Applied<T>> attempt(SiteState s, String visitorId, Decide<T> decide) {
        Visitor current = s.visitors.get(visitorId);
        long now = clock.millis();
        Decision<T> d;
        try {
            d = decide.decide(current, now);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        Change c = d.change();
        if (c.empty()) return Future.succeededFuture(new Applied<>(d.result(), s.seq, 0));
        // Decided on the lane, where sockets attach: one that attaches later queues its change behind this one.
        int connected = d.unlessConnected() ? presence.count(s.siteId, visitorId) : 0;
        if (connected > 0) return Future.succeededFuture(new Applied<>(d.result(), s.seq, connected));
        boolean creates = c.creates();
        Visitor after = c.after();
        boolean put = c.writes() && after != null && !c.activityOnly();
        byte[] encoded = put ? VisitorCodec.utf8(after) : null;
        int charge = put ? Budgets.visitorBytes(encoded.length) : SiteState.SAME_CHARGE;
        if (creates) {
            SiteRefusal refused = admit(s, charge);
            if (refused != null) return Future.failedFuture(refused);
            s.creating++;
            s.creatingBytes += charge;
        }
        List<Write> writes = new ArrayList<>(2);
        List<Notice.Recorded> recorded = recording ? c.recorded() : List.of();
        // Most changes are a page view: its notice is the visitor being stored, so the row says so instead.
        boolean viewed = put && recorded.size() == 1 && recorded.get(0) instanceof Notice.PageViewed p && p.visitor() == after;
        if (c.writes()) {
            if (after == null) writes.add(new Write.Remove(s.siteId, visitorId));
            else if (c.activityOnly()) writes.add(new Write.Touch(s.siteId, visitorId, after.lastActivity(), after.lastEvent(), after.clientTimestamp()));
            else {
                if (!mayWrite(s, encoded.length)) {
                    if (creates) {
                        s.creating--;
                        s.creatingBytes -= charge;
                        budget.give(1, charge);
                    }
                    return Future.failedFuture(writeRateRefusal());
                }
                writes.add(new Write.Put(s.siteId, visitorId, after.lastActivity(), encoded, viewed));
            }
        }
        if (!recorded.isEmpty() && !viewed) writes.add(new Write.Record(s.siteId, now, NoticeCodec.writeRecorded(recorded)));
        Future<Void> stored = writes.isEmpty() ? Future.succeededFuture() : store.write(lanes.of(s.siteId), writes);
        s.inFlight++;
        return stored.transform(ar -> {
            s.inFlight--;
            if (creates) {
                s.creating--;
                s.creatingBytes -= charge;
            }
            if (ar.failed()) {
                if (creates) budget.give(1, charge);
                return Future.failedFuture(ar.cause());
            }
            if (c.writes()) {
                boolean wasLive = current != null && current.live();
                int bots = s.hiddenBots;
                long moved = s.apply(rules, visitorId, after, charge);
                if (after == null && current != null) budget.give(1, -moved);
                else if (!creates) budget.resize(moved);
                if (s.hiddenBots != bots) metrics.hiddenBots(s.hiddenBots - bots);
                boolean isLive = after != null && after.live();
                if (wasLive != isLive) metrics.liveVisitors(isLive ? 1 : -1);
            }
            long seq = ++s.seq;
            int reached = presence.count(s.siteId, visitorId);
            broker.publish(new SiteChange(s.siteId, seq, c.notices()));
            scheduleSweep(s);
            return Future.succeededFuture(new Applied<>(d.result(), seq, reached));
        });
    }

    @Override
    public Future<LiveList> live(String siteId) {
        return lanes.run(siteId, () -> {
            SiteState s = sites.get(siteId);
            if (s == null) return Future.succeededFuture(new LiveList(0, List.of(), 0));
            return Future.succeededFuture(new LiveList(s.seq, s.shown(rules), s.hiddenBots));
        });
    }

    @Override
    public Future<Seen> seen(String siteId, String visitorId) {
        return lanes.run(siteId, () -> {
            SiteState s = sites.get(siteId);
            return Future.succeededFuture(s == null ? new Seen(0, null) : new Seen(s.seq, s.visitors.get(visitorId)));
        });
    }

    // ---- time passing --------------------------------------------------------------------------------

    /**
     * Arms one timer for the earliest due time, no sooner than one sweep interval after the last sweep:
     * O(1) per change, and no scan of other sites.
     */
    private void scheduleSweep(SiteState s) {
        long due = s.nextDue(rules.settings().visitorTtl().toMillis());
        if (due == Long.MAX_VALUE) return;
        due = Math.max(due, s.lastSweep + rules.settings().sweepInterval().toMillis());
        if (s.sweepTimer != -1) {
            if (s.sweepAt <= due) return;
            vertx.cancelTimer(s.sweepTimer);
        }
        s.sweepAt = due;
        s.sweepTimer = vertx.setTimer(Math.max(1, due - clock.millis()), id -> lanes.execute(s.siteId, () -> sweep(s)));
    }

    /**
     * Removes visitors idle past the TTL in one transaction, then lets each due exit and invite settle
     * as a change of its own. Only what was stored is published; a failed sweep changes nothing and
     * is tried again at the next interval.
     */
    private void sweep(SiteState s) {
        s.sweepTimer = -1;
        long now = clock.millis();
        s.lastSweep = now;
        List<Visitor> expired = new ArrayList<>();
        for (Visitor v : s.visitors.values()) {
            if (!rules.expired(v, now) || expired.size() >= MAX_EXPIRED_PER_SWEEP) break;
            if (!s.chains.containsKey(v.visitorId())) expired.add(v);
        }
        for (String visitorId : s.settleDue(now)) {
            change(s.siteId, visitorId, (v, t) -> new Decision<Void>(rules.settle(v, t), null))
                    .onFailure(err -> log.warn("event=settle_not_stored site={} error=\"{}\"", s.siteId, err.getMessage()));
        }
        if (!expired.isEmpty()) expire(s, expired, now);
        scheduleSweep(s);
    }

    private void expire(SiteState s, List<Visitor> expired, long now) {
        List<Write> writes = new ArrayList<>(expired.size() + 1);
        for (Visitor v : expired) writes.add(new Write.Remove(s.siteId, v.visitorId()));
        // The notices are decided from what remains after the removal, which is only known once it is stored.
        List<Notice.Recorded> recorded = recording ? Change.recordedOf(rules.expiry(expired, List.of(), now)) : List.of();
        if (!recorded.isEmpty()) writes.add(new Write.Record(s.siteId, now, NoticeCodec.writeRecorded(recorded)));
        Future<Void> stored = store.write(lanes.of(s.siteId), writes);
        s.inFlight++;
        for (Visitor v : expired) s.chains.put(v.visitorId(), stored);
        stored.onComplete(ar -> {
            s.inFlight--;
            for (Visitor v : expired) s.chains.remove(v.visitorId(), stored);
            if (ar.failed()) {
                log.warn("event=sweep_not_stored site={} error=\"{}\"", s.siteId, ar.cause().getMessage());
                releaseIfIdle(s);
                return;
            }
            int live = 0;
            int bots = s.hiddenBots;
            long freed = 0;
            for (Visitor v : expired) {
                if (v.live()) live++;
                freed -= s.apply(rules, v.visitorId(), null, SiteState.SAME_CHARGE);
            }
            metrics.hiddenBots(s.hiddenBots - bots);
            budget.give(expired.size(), freed);
            metrics.liveVisitors(-live);
            metrics.expired(expired.size());
            if (live > 0) log.info("event=visitors_expired site={} count={}", s.siteId, live);
            broker.publish(new SiteChange(s.siteId, ++s.seq, rules.expiry(expired, new ArrayList<>(s.visitors.values()), now)));
            scheduleSweep(s);
            releaseIfIdle(s);
        });
    }

    /**
     * On the site's lane: a new visitor charged {@code charge} takes its place in the site's share and
     * the node's budget, or is refused. The site's count cap, where set, is checked first.
     */
    private SiteRefusal admit(SiteState s, int charge) {
        int cap = rules.settings().maxVisitors();
        if (cap > 0 && s.visitors.size() + s.creating >= cap) return SiteRefusal.siteFull(cap + " live visitors (--max-visitors-per-site)");
        if (!budget.siteRoom(s.bytes + s.creatingBytes, charge)) {
            return SiteRefusal.siteFull(dev.tippen.config.ByteSizes.approx(budget.siteBytes()) + " of live visitors (" + s.visitors.size() + " of them)");
        }
        if (disk.low()) return new SiteRefusal(SiteRefusal.Reason.DISK_LOW, disk.refusal());
        if (!budget.take(charge)) {
            return new SiteRefusal(SiteRefusal.Reason.SERVER_FULL, "this server holds as many visitors as it can ("
                    + budget.describe() + "); try again shortly");
        }
        return null;
    }

    /** On the site's lane: takes {@code bytes} from the site's write allowance (bursts of four seconds' worth). */
    private boolean mayWrite(SiteState s, long bytes) {
        if (siteWriteBytesPerSecond <= 0) return true;
        if (s.writes == null) {
            s.writes = io.github.bucket4j.Bucket.builder().addLimit(l -> l.capacity(4 * siteWriteBytesPerSecond)
                    .refillGreedy(siteWriteBytesPerSecond, java.time.Duration.ofSeconds(1))).build();
        }
        if (s.writes.tryConsume(bytes)) return true;
        // For as long as the allowance takes to refill one such write, every event of the site is
        // refused at the door: reading and parsing it first would cost the node and store nothing.
        // A visitor is at most a few dozen KB, so at the default 8 MB/s that is a few milliseconds.
        s.writesRefusedUntil = clock.millis() + Math.max(1, bytes * 1000 / siteWriteBytesPerSecond);
        return false;
    }

    @Override
    public SiteRefusal writesRefused(String siteId) {
        SiteState s = sites.get(siteId);
        return s != null && s.writesRefusedUntil > clock.millis() ? writeRateRefusal() : null;
    }

    private SiteRefusal writeRateRefusal() {
        return new SiteRefusal(SiteRefusal.Reason.WRITE_RATE, "this site stores more than "
                + dev.tippen.config.ByteSizes.format(siteWriteBytesPerSecond) + " a second (--track-bytes-site); try again in a second");
    }

    // ---- housekeeping --------------------------------------------------------------------------------

    private SiteState state(String siteId) {
        return sites.computeIfAbsent(siteId, SiteState::new);
    }

    /** On the site's lane: drops the site's state if nothing is left in it and no socket listens. */
    private void releaseIfIdle(SiteState s) {
        if (s.idle() && s.sweepTimer == -1 && !presence.hasSockets(s.siteId)) sites.remove(s.siteId, s);
    }

    @Override
    public String unready() {
        if (!store.healthy()) return "storage unavailable";
        return disk.low() ? disk.refusal() : null;
    }

    @Override
    public void erased() {
        store.scrubSoon();
    }

    @Override
    public String describe() {
        return "sqlite " + store.database().file();
    }

    @Override
    public int activeSites() {
        return sites.size();
    }

    @Override
    public void close() {
        disk.close();
        store.close();
    }
}
