package dev.tippen.engine.redis;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.visitor.Engine;
import dev.tippen.visitor.SiteRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time passing for the whole cluster, run by one node at a time: whichever holds the sweep lease
 * (renewed each interval, taken over by another node within three intervals when its holder dies).
 * It reads only the sites that are due, from a sorted set of sites by next due time, never the
 * keyspace. Each site's expiry is one script, so even two sweepers would remove a visitor once; each
 * exit past its grace and each lapsed invite is then settled as a change of its own, by the rules.
 */
final class RedisSweeper {
    private static final Logger log = LoggerFactory.getLogger(RedisSweeper.class);
    private static final int SITES_PER_ROUND = 100;

    private final Vertx vertx;
    private final RedisLink link;
    private final RedisEngine engine;
    private final VisitorWrites writes;
    private final SiteRules rules;
    private final TippenMetrics metrics;
    private final Clock clock;
    private final Duration interval;
    private final String nodeId;
    private final Script lease = Script.load("lease");
    private final Script sweep = Script.load("sweep");
    private final Script due = Script.load("due");
    private volatile boolean running;
    private long timer = -1;

    RedisSweeper(Vertx vertx, RedisLink link, RedisEngine engine, VisitorWrites writes, SiteRules rules, TippenMetrics metrics,
                 Clock clock, String nodeId) {
        this.vertx = vertx;
        this.link = link;
        this.engine = engine;
        this.writes = writes;
        this.rules = rules;
        this.metrics = metrics;
        this.clock = clock;
        this.interval = rules.settings().sweepInterval();
        this.nodeId = nodeId;
    }

    /** Puts the site in the index of sites due by {@code when}, unless it is due earlier already. */
    static Request dueBy(String siteId, long when) {
        return Request.cmd(Command.ZADD).arg(SiteKeys.DUE).arg("LT").arg(when).arg(siteId);
    }

    void start() {
        timer = vertx.setPeriodic(interval.toMillis(), id -> {
            if (running) return;
            running = true;
            round().onComplete(ar -> {
                running = false;
                if (ar.failed()) log.debug("event=sweep_failed error=\"{}\"", ar.cause().getMessage());
            });
        });
    }

    void stop() {
        if (timer != -1) vertx.cancelTimer(timer);
    }

    private Future<Void> round() {
        String leaseMillis = Long.toString(Math.max(3 * interval.toMillis(), 1_000));
        return link.eval(lease, List.of(SiteKeys.SWEEP_LEASE), List.of(nodeId, leaseMillis)).compose(held -> {
            if (held.toInteger() != 1) return Future.succeededFuture();
            return link.send(Request.cmd(Command.ZRANGEBYSCORE).arg(SiteKeys.DUE).arg("-inf").arg(clock.millis())
                    .arg("WITHSCORES").arg("LIMIT").arg(0).arg(SITES_PER_ROUND)).compose(this::sweepAll);
        });
    }

    /** One site after another: a round's cost stays bounded and Redis is never flooded. */
    private Future<Void> sweepAll(Response dueSites) {
        Future<Void> chain = Future.succeededFuture();
        if (dueSites == null) return chain;
        // RESP3 answers WITHSCORES as (member, score) pairs, RESP2 as one flat list.
        boolean pairs = dueSites.size() > 0 && dueSites.get(0).type() == ResponseType.MULTI;
        for (int i = 0; i < dueSites.size(); i += pairs ? 1 : 2) {
            String siteId = pairs ? dueSites.get(i).get(0).toString() : dueSites.get(i).toString();
            String score = pairs ? dueSites.get(i).get(1).toString() : dueSites.get(i + 1).toString();
            chain = chain.compose(v -> sweepSite(siteId, score));
        }
        return chain;
    }

    private Future<Void> sweepSite(String siteId, String score) {
        SiteKeys keys = new SiteKeys(siteId);
        long now = clock.millis();
        List<String> args = List.of(keys.channel(), Long.toString(now), Long.toString(rules.settings().visitorTtl().toMillis()),
                writes.recording() ? "1" : "0", Integer.toString(VisitorWrites.OUTBOX_LIMIT));
        return link.eval(sweep, keys.state(), args).compose(r -> {
            long next = r.get(0).toLong();
            int removed = r.get(1).toInteger();
            if (removed > 0) {
                metrics.expired(removed);
                log.info("event=visitors_expired site={} count={}", siteId, removed);
            }
            List<Future<?>> settled = new ArrayList<>();
            for (int i = 2; i < r.size(); i++) {
                settled.add(engine.change(siteId, r.get(i).toString(),
                        (v, t) -> new Engine.Decision<Void>(rules.settle(v, t), null)));
            }
            return Future.join(settled).otherwiseEmpty().compose(v -> reschedule(keys, score, next));
        });
    }

    private Future<Void> reschedule(SiteKeys keys, String score, long next) {
        String siteId = keys.siteId();
        return link.eval(due, List.of(SiteKeys.DUE), List.of(siteId, score, Long.toString(next))).compose(r -> {
            if (r.toInteger() != -1) return Future.succeededFuture();
            // Taken out as empty: a visitor that arrived since would have found the site still in the
            // index and not added it, so look once more, and put the site back if anything is there.
            return link.batch(List.of(Request.cmd(Command.ZCARD).arg(keys.key("activity")),
                    Request.cmd(Command.ZCARD).arg(keys.key("settle")))).compose(counts -> {
                if (counts.get(0).toLong() + counts.get(1).toLong() == 0) return Future.succeededFuture();
                return link.send(dueBy(siteId, clock.millis())).mapEmpty();
            });
        });
    }
}
