package dev.tippen.engine.redis;

import dev.tippen.bench.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own and two nodes' links to it, on one Vert.x: what a test of
 * something shared between nodes starts with. Closed together, links first.
 */
final class TwoNodes implements AutoCloseable {
    final Vertx vertx;
    final RedisProcess redis;
    final RedisLink a;
    final RedisLink b;

    private TwoNodes(Vertx vertx, RedisProcess redis, RedisLink a, RedisLink b) {
        this.vertx = vertx;
        this.redis = redis;
        this.a = a;
        this.b = b;
    }

    /** Skips the test where Debian's redis-server is not installed. */
    static TwoNodes start() throws Exception {
        dev.tippen.Needs.present(RedisProcess.available(), "needs Debian's redis-server (apt-get install redis-server)");
        Vertx vertx = Vertx.vertx();
        RedisProcess redis = null;
        RedisLink a = null;
        try {
            redis = RedisProcess.start();
            a = RedisLink.connect(vertx, redis.url());
            return new TwoNodes(vertx, redis, a, RedisLink.connect(vertx, redis.url()));
        } catch (Exception | Error e) {
            if (a != null) a.close();
            if (redis != null) redis.close();
            vertx.close();
            throw e;
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            a.close();
            b.close();
            redis.close();
        } finally {
            await(vertx.close());
        }
    }
}
