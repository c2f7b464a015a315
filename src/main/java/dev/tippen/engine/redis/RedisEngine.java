package dev.tippen.engine.redis;

import dev.tippen.site.SiteLanes;
import dev.tippen.visitor.Engine;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine with several nodes: every site's visitors in Redis, shared by all nodes. Each change is
 * decided by the same rules as on one node and applied atomically by {@link VisitorWrites}, which
 * also publishes it for every node's stream ({@link RedisBroker}). Time passes once for the cluster
 * ({@link RedisSweeper}).
 */
final class RedisEngine implements Engine {
    private final Vertx vertx;
    private final RedisLink link;
    private final AofRewrite aofRewrite;
    private final SiteLanes lanes;
    private final VisitorWrites writes;
    private final RedisBroker broker;
    private final RedisPresence presence;
    private final SiteRules rules;
    private final Script snapshot = Script.load("snapshot");
    private RedisSweeper sweeper;
    private long renewer = -1;

    RedisEngine(Vertx vertx, RedisLink link, SiteLanes lanes, VisitorWrites writes, RedisBroker broker, RedisPresence presence,
                SiteRules rules) {
        this.vertx = vertx;
        this.link = link;
        this.aofRewrite = new AofRewrite(vertx, link, AofRewrite.MIN_GAP_MILLIS);
        this.lanes = lanes;
        this.writes = writes;
        this.broker = broker;
        this.presence = presence;
        this.rules = rules;
    }

    /** Starts what runs beside the sites: subscriptions, presence renewals, the sweep, recovery after Redis comes back. */
    void start(RedisSweeper sweeper) {
        this.sweeper = sweeper;
        broker.start();
        sweeper.start();
        renewer = vertx.setPeriodic(RedisPresence.LAPSE_MILLIS / 3, id -> presence.renew());
        // Redis may have restarted without some of this node's claims; the cached versions may be stale.
        link.onRecovered(() -> {
            writes.forgetAll();
            presence.reclaim();
        });
        link.watch();
    }

    @Override
    public <T> Future<Applied<T>> change(String siteId, String visitorId, Decide<T> decide) {
        return writes.change(siteId, visitorId, true, decide);
    }

    @Override
    public Future<LiveList> live(String siteId) {
        SiteKeys keys = new SiteKeys(siteId);
        return lanes.backTo(siteId, link.eval(snapshot, keys.state().subList(0, 3), List.of(""))).map(r -> {
            List<Visitor> live = new ArrayList<>(r.size() - 1);
            int bots = 0;
            for (int i = 1; i < r.size(); i++) {
                Visitor v = VisitorWrites.visitorOf(r.get(i).toString());
                if (rules.shown(v)) live.add(v);
                else if (v != null && v.live()) bots++;
            }
            return new LiveList(Long.parseLong(r.get(0).toString()), live, bots);
        });
    }

    @Override
    public Future<Seen> seen(String siteId, String visitorId) {
        SiteKeys keys = new SiteKeys(siteId);
        return lanes.backTo(siteId, link.eval(snapshot, keys.state().subList(0, 3), List.of(visitorId)))
                .map(r -> new Seen(Long.parseLong(r.get(0).toString()), VisitorWrites.visitorOf(r.get(1).toString())));
    }

    @Override
    public String unready() {
        return link.healthy() ? null : "storage unavailable";
    }

    @Override
    public void erased() {
        aofRewrite.requested();
    }

    @Override
    public String describe() {
        return "redis " + RedisLink.redacted(link.url());
    }

    @Override
    public int activeSites() {
        return broker.count();
    }

    @Override
    public void close() {
        if (sweeper != null) sweeper.stop();
        if (renewer != -1) vertx.cancelTimer(renewer);
        broker.close();
        link.close();
    }
}
