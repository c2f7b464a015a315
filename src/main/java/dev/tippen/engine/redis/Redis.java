package dev.tippen.engine.redis;

import dev.tippen.engine.Backend;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Hub;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.SiteRules;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Several nodes: every site's state, fan-out and cleanup shared through one Redis (or Valkey). */
public final class Redis {
    /** The versions of up to 100,000 recently changed visitors are remembered (about 100 MB at most). */
    static final int CACHED_VISITORS = 100_000;

    private Redis() {}

    /** Connects (blocking: call before traffic) and starts this node's part of the cluster. */
    public static Backend open(String url, Vertx vertx, SiteLanes lanes, Hub hub, ChangeListener stream, SiteRules rules,
                               TippenMetrics metrics, Clock clock) {
        RedisLink link = RedisLink.connect(vertx, url);
        String nodeId = "node_" + ApiKeys.randomToken(10);
        RedisPresence presence = new RedisPresence(link, lanes, hub, nodeId);
        VisitorWrites writes = new VisitorWrites(link, lanes, metrics, rules, clock, CACHED_VISITORS);
        RedisBroker broker = new RedisBroker(vertx, link, lanes, stream, presence, rules, metrics, clock);
        RedisEngine engine = new RedisEngine(vertx, link, lanes, writes, broker, presence, rules);
        engine.start(new RedisSweeper(vertx, link, engine, writes, rules, metrics, clock, nodeId));
        RedisSignals signals = new RedisSignals(vertx, link);
        signals.start();
        return new Backend(engine, new RedisKeyStore(link), broker, presence, new RedisOutbox(link, writes, rules, nodeId), signals,
                new RedisAgentLines(link));
    }
}
