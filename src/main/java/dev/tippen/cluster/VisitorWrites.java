package dev.tippen.cluster;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.store.StoreException;
import dev.tippen.store.StoredJson;
import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.SiteSettings;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Changes to one visitor in Redis, applied by compare-and-set: the caller decides the change from the
 * visitor as last seen, and apply.lua makes it only if the visitor's version is still that one; if
 * not, it answers with the current value and the change is decided again from it. So two nodes
 * changing one visitor at once never lose an update. On this node, changes to one visitor queue
 * behind each other (they would only conflict), and the last version seen of each visitor is cached,
 * so the usual change is a single round trip.
 */
final class VisitorWrites {
    private static final int MAX_ATTEMPTS = 50;

    /**
     * A visitor as last seen, with its version; version 0 and no visitor: absent. {@code fresh}: just
     * read from Redis, so a refusal may rest on it; what the cache holds is never fresh.
     */
    record Known(long version, Visitor visitor, boolean fresh) {
        static final Known ABSENT = new Known(0, null, false);

        Known cached() {
            return fresh ? new Known(version, visitor, false) : this;
        }
    }

    /** What one attempt decided: an answer without a change, or a change to apply. */
    sealed interface Step<T> permits Done, Change {}

    record Done<T>(T value) implements Step<T> {}

    /** The script's answer to an applied change: did the invite change, how many sockets it reached. */
    record Applied(boolean inviteChanged, int reached) {}

    /**
     * {@code next}: the visitor's new state (null leaves it); the invite change ('', put, del, del-if)
     * and its argument; the unnumbered messages to publish; {@code after}: a command sent behind the
     * script in the same round trip.
     */
    record Change<T>(Visitor next, String inviteOp, String inviteArg, long inviteExpiresAt, List<String> messages,
                     Request after, Function<Applied, T> result) implements Step<T> {}

    private final RedisLink link;
    private final SiteLanes lanes;
    private final TippenMetrics metrics;
    private final SiteSettings settings;
    private final Clock clock;
    private final Script apply = Script.load("apply");
    private final Cache<String, Known> known;
    /** Per visitor, the last queued change on this node; touched only on the site's lane. */
    private final ConcurrentHashMap<String, Future<?>> tails = new ConcurrentHashMap<>();

    VisitorWrites(RedisLink link, SiteLanes lanes, TippenMetrics metrics, SiteSettings settings, Clock clock, int cachedVisitors) {
        this.link = link;
        this.lanes = lanes;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
        this.known = Caffeine.newBuilder().maximumSize(cachedVisitors).build();
    }

    /**
     * Decides and applies one change to a visitor, in order with this node's other changes to it.
     * {@code guessNew}: without a cached version, try the change as if the visitor were new (right for
     * a first page view) rather than read it first.
     */
    <T> Future<T> change(String siteId, String visitorId, boolean guessNew, Function<Known, Step<T>> decide) {
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

    private <T> Future<T> firstAttempt(SiteKeys keys, String visitorId, boolean guessNew, Function<Known, Step<T>> decide) {
        Known k = known.getIfPresent(cacheKey(keys.siteId(), visitorId));
        if (k == null && !guessNew) return read(keys, visitorId).compose(fresh -> attempt(keys, visitorId, fresh, decide, 1));
        return attempt(keys, visitorId, k == null ? Known.ABSENT : k, decide, 1);
    }

    private <T> Future<T> attempt(SiteKeys keys, String visitorId, Known k, Function<Known, Step<T>> decide, int n) {
        Step<T> step;
        try {
            step = decide.apply(k);
        } catch (RuntimeException e) {
            // A refusal from a cached view is checked against Redis before it is given.
            if (!k.fresh() && e instanceof SiteRefusal) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.failedFuture(e);
        }
        if (step instanceof Done<T> done) {
            if (!k.fresh()) return read(keys, visitorId).compose(f -> attempt(keys, visitorId, f, decide, n));
            return Future.succeededFuture(done.value());
        }
        Change<T> c = (Change<T>) step;
        List<String> args = new ArrayList<>(10 + c.messages().size());
        args.add(keys.channel());
        args.add(visitorId);
        args.add(Long.toString(k.version()));
        args.add(c.next() == null ? "" : stored(c.next()));
        args.add(c.next() == null ? "0" : Long.toString(c.next().lastActivity()));
        args.add(Integer.toString(settings.maxVisitors()));
        args.add(c.inviteOp());
        args.add(c.inviteArg());
        args.add(Long.toString(c.inviteExpiresAt()));
        args.add(Long.toString(clock.millis()));
        args.addAll(c.messages());
        Request[] after = c.after() == null ? new Request[0] : new Request[] {c.after()};
        String siteId = keys.siteId();
        return lanes.backTo(siteId, link.eval(apply, keys.state(), args, after)).compose(replies -> {
            Response r = replies.get(0);
            int status = r.get(0).toInteger();
            if (status == 1) {
                if (c.next() != null) known.put(cacheKey(siteId, visitorId), new Known(r.get(1).toLong(), c.next(), false));
                return Future.succeededFuture(c.result().apply(new Applied(r.get(2).toInteger() == 1, r.get(3).toInteger())));
            }
            if (status == -1) {
                return Future.failedFuture(new SiteRefusal(SiteRefusal.Reason.SITE_FULL,
                        "site has " + r.get(1) + " visitors, the most one site may hold"));
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

    /** {@code version|flags|json} as stored; flags say live and bot so scripts need not read the JSON. */
    private static String stored(Visitor v) {
        return (v.live() ? "l" : "-") + (v.bot() ? "b" : "-") + "|" + StoredJson.write(v);
    }

    static Known parse(String value) {
        if (value == null || value.isEmpty()) return new Known(0, null, true);
        int a = value.indexOf('|');
        int b = value.indexOf('|', a + 1);
        try {
            return new Known(Long.parseLong(value, 0, a, 10), StoredJson.read(value.substring(b + 1)), true);
        } catch (Exception e) {
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
