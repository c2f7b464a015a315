package dev.tippen.engine.redis;

import static dev.tippen.engine.redis.TwoNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A call's signals between two nodes on a real redis-server, and again after Redis restarts under them. */
class RedisSignalsTest {

    @Test
    void signalsCrossNodesAndSurviveARedisRestart() throws Exception {
        try (TwoNodes nodes = TwoNodes.start()) {
            RedisSignals nodeA = new RedisSignals(nodes.vertx, nodes.a);
            RedisSignals nodeB = new RedisSignals(nodes.vertx, nodes.b);
            nodeA.start();
            nodeB.start();
            LinkedBlockingQueue<String> heardOnB = new LinkedBlockingQueue<>();
            await(nodeB.subscribe("call-1", heardOnB::add));
            nodeA.publish("call-1", "offer");
            assertThat(heardOnB.poll(5, TimeUnit.SECONDS)).isEqualTo("offer");
            nodeA.publish("call-2", "not for this call");

            nodes.redis.restart();
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
        }
    }
}
