package dev.tippen.engine.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tippen.engine.NoticeCodec;
import dev.tippen.engine.VisitorCodec;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.visitor.Change;
import dev.tippen.visitor.Engine;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.StoreException;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Changes to one visitor in Redis, applied by compare-and-set: the change is decided from the
 * visitor as last seen, and apply.lua makes it only if the visitor's version is still that one; if
 * not, it answers with the current value and the change is decided again from it. So two nodes
 * changing one visitor at once never lose an update. On this node, changes to one visitor queue
 * behind each other (they would only conflict), and the last version seen of each visitor is cached,
 * so the usual change is a single round trip.
 */
final class VisitorWrites {
    private static final int MAX_ATTEMPTS = 50;
    /** Entries an outbox stream keeps at most while the history cannot take them (approximate trim). */
    static final int OUTBOX_LIMIT = 200_000;

    /**
     * A visitor as last seen, with its version; version 0 and no visitor: absent. {@code fresh}: just
     * read from Redis, so a refusal or a decision to change nothing may rest on it; a cached one never is.
     */
    record Known(long version, Visitor visitor, boolean fresh) {
        static final Known ABSENT = new Known(0, null, false);

        Known cached() {
            return fresh ? new Known(version, visitor, false) : this;
        }
    }

    private final RedisLink link;
    private final SiteLanes lanes;
    private final TippenMetrics metrics;
    private final SiteRules rules;
    private final Clock clock;
    private final Script apply = Script.load("apply");
    private final Cache<String, Known> known;
    /** Per visitor, the last queued change on this node; touched only on the site's lane. */
    private final ConcurrentHashMap<String, Future<?>> tails = new ConcurrentHashMap<>();
    private volatile boolean recording;

    VisitorWrites(RedisLink link, SiteLanes lanes, TippenMetrics metrics, SiteRules rules, Clock clock, int cachedVisitors) {
        this.link = link;
        this.lanes = lanes;
        this.metrics = metrics;
        this.rules = rules;
        this.clock = clock;
        this.known = Caffeine.newBuilder().maximumSize(cachedVisitors).build();
    }

    void record(boolean on) {
        recording = on;
    }

    boolean recording() {
        return recording;
    }

    /**
     * Decides and applies one change to a visitor, in order with this node's other changes to it.
     * {@code guessNew}: without a cached version, try the change as if the visitor were new (right for
     * a first page view) rather than read it first.
     */
    <T> Future<Engine.Applied<T>> change(String siteId, String visitorId, boolean guessNew, Engine.Decide<T> decide) {
        SiteKeys keys = new SiteKeys(siteId);
        return inOrder(siteId, visitorId, () -> firstAttempt(keys, visitorId, guessNew, decide));
    }

    /** After Redis came back: versions seen before may be gone. */
    void forgetAll() {
        known.invalidateAll();
    }

    /** Changes to one visitor on this node run one after another, each once the previous one is answered. */
    private <T> Future<T> inOrder(String siteId, String visitorId, Supplier<Future<T>> work) {
        return lanes.run(siteId, () -> {
            String key = cacheKey(siteId, visitorId);
            Future<?> before = tails.get(key);
            Future<T> mine = before == null ? work.get() : before.transform(ar -> lanes.run(siteId, work));
            tails.put(key, mine);
            mine.onComplete(ar -> lanes.execute(siteId, () -> tails.remove(key, mine)));
            return mine;
        });
    }

    private <T> Future<Engine.Applied<T>> firstAttempt(SiteKeys keys, String visitorId, boolean guessNew, Engine.Decide<T> decide) {
        Known k = known.getIfPresent(cacheKey(keys.siteId(), visitorId));
        if (k == null && !guessNew) return read(keys, visitorId).compose(fresh -> attempt(keys, visitorId, fresh, decide, 1));
        return attempt(keys, visitorId, k == null ? Known.ABSENT : k, decide, 1);
    }

    private <T> Future<Engine.Applied<T>> attempt(SiteKeys keys, String visitorId, Known k, Engine.Decide<T> decide, int n) {
        long now = clock.millis();
        Engine.Decision<T> d;
        try {
            d = decide.decide(k.visitor(), now);
        } catch (RuntimeException e) {
            // A refusal from a cached view is checked against Redis before it is given.
            if (!k.fresh() && e instanceof SiteRefusal) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.failedFuture(e);
        }
        Change c = d.change();
        if (c.empty()) {
            if (!k.fresh()) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.succeededFuture(new Engine.Applied<>(d.result(), -1, 0));
        }
        Visitor after = c.after();
        List<Notice.Recorded> recorded = recording ? c.recorded() : List.of();
        boolean invite = c.notices().stream().anyMatch(x -> x instanceof Notice.InviteSent);
        long settle = after == null ? Long.MAX_VALUE : rules.settleAt(after);
        List<String> args = new ArrayList<>(13);
        args.add(keys.channel());
        args.add(visitorId);
        args.add(Long.toString(k.version()));
        args.add(!c.writes() ? "" : after == null ? "del" : "put");
        args.add(after == null ? "" : stored(after));
        args.add(after == null ? "0" : Long.toString(after.lastActivity()));
        args.add(Integer.toString(rules.settings().maxVisitors()));
        args.add(settle == Long.MAX_VALUE ? "-1" : Long.toString(settle));
        args.add(Long.toString(now));
        args.add(d.unlessConnected() ? "2" : invite ? "1" : "0");
        args.add(c.notices().isEmpty() ? "" : NoticeCodec.write(c.notices()));
        args.add(recorded.isEmpty() ? "" : NoticeCodec.writeRecorded(recorded));
        args.add(Integer.toString(OUTBOX_LIMIT));
        // A new visitor, or one with something due, makes sure the site is in the sweep index; sent in the same round trip.
        long dueBy = c.creates() ? now + rules.settings().visitorTtl().toMillis() : settle;
        Request[] after2 = dueBy == Long.MAX_VALUE ? new Request[0] : new Request[] {RedisSweeper.dueBy(keys.siteId(), dueBy)};
        String siteId = keys.siteId();
        return lanes.backTo(siteId, link.eval(apply, keys.state(), args, after2)).compose(replies -> {
            Response r = replies.get(0);
            int status = r.get(0).toInteger();
            if (status == 1) {
                String key = cacheKey(siteId, visitorId);
                if (!c.writes()) {
                    // The visitor itself did not change; what was known of it still holds.
                } else if (after == null) {
                    known.invalidate(key);
                } else {
                    known.put(key, new Known(r.get(1).toLong(), after, false));
                }
                return Future.succeededFuture(new Engine.Applied<>(d.result(), r.get(3).toLong(), r.get(2).toInteger()));
            }
            if (status == 2) {
                return Future.succeededFuture(new Engine.Applied<>(d.result(), -1, r.get(2).toInteger()));
            }
            if (status == -1) {
                return Future.failedFuture(SiteRefusal.siteFull(rules.settings().maxVisitors() + " live visitors (--max-visitors-per-site)"));
            }
            metrics.conflict();
            Known current = parse(r.get(1).toString());
            known.put(cacheKey(siteId, visitorId), current.cached());
            if (n >= MAX_ATTEMPTS) {
                return Future.failedFuture(new StoreException("visitor changed by other nodes " + n + " times in a row", true, null));
            }
            return attempt(keys, visitorId, current, decide, n + 1);
        });
    }

    private Future<Known> read(SiteKeys keys, String visitorId) {
        return lanes.backTo(keys.siteId(), link.send(Request.cmd(Command.HGET).arg(keys.key("visitors")).arg(visitorId)))
                .map(r -> {
                    Known k = parse(r == null ? "" : r.toString());
                    known.put(cacheKey(keys.siteId(), visitorId), k.cached());
                    return k;
                });
    }

    /** {@code flags|json} as stored after the version; flags say live and bot so scripts need not read the JSON. */
    static String stored(Visitor v) {
        return (v.live() ? "l" : "-") + (v.bot() ? "b" : "-") + "|" + VisitorCodec.write(v);
    }

    static Known parse(String value) {
        if (value == null || value.isEmpty()) return new Known(0, null, true);
        int a = value.indexOf('|');
        int b = value.indexOf('|', a + 1);
        try {
            return new Known(Long.parseLong(value, 0, a, 10), VisitorCodec.read(value.substring(b + 1)), true);
        } catch (RuntimeException e) {
            throw new StoreException("unreadable visitor row in Redis: " + e.getMessage(), false, e);
        }
    }

    /** A visitor from a row as a script returns it ({@code version|flags|json}); null for none. */
    static Visitor visitorOf(String row) {
        return parse(row).visitor();
    }

    private static String cacheKey(String siteId, String visitorId) {
        return siteId + "\n" + visitorId;
    }
}
