package dev.tippen.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.bench.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call's signals between two nodes on a real redis-server, and again after Redis restarts under them. */
class RedisSignalsTest {

    @Test
    void signalsCrossNodesAndSurviveARedisRestart() throws Exception {
        dev.tippen.Needs.present(RedisProcess.available(), "needs Debian's redis-server (apt-get install redis-server)");
        Vertx vertx = Vertx.vertx();
        try (RedisProcess redis = RedisProcess.start();
             RedisLink a = RedisLink.connect(vertx, redis.url());
             RedisLink b = RedisLink.connect(vertx, redis.url())) {
            RedisSignals nodeA = new RedisSignals(vertx, a);
            RedisSignals nodeB = new RedisSignals(vertx, b);
            nodeA.start();
            nodeB.start();
            LinkedBlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
            await(nodeB.subscribe("call-1", heardOnB::add));
            nodeA.publish("call-1", "offer");
            assertThat(heardOnB.poll(5, TimeUnit.SECONDS)).isEqualTo("offer");
            nodeA.publish("call-2", "not for this call");

            redis.restart();
            // Subscribed again by itself once the subscriber connection is back: keep offering until heard.
            String heard = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (heard == null && System.nanoTime() < deadline) {
                nodeA.publish("call-1", "answer");
                heard = heardOnB.poll(200, TimeUnit.MILLISECONDS);
            }
            assertThat(heard).isEqualTo("answer");
            nodeA.close();
            nodeB.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
