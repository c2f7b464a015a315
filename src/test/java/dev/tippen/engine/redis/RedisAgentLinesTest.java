package dev.tippen.engine.redis;

import static dev.tippen.engine.redis.TwoNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An agent's line in a real redis-server: one call at a time, freed by the end of its call or by finding that call over. */
class RedisAgentLinesTest {

    @Test
    void oneCallPerAgentAcrossNodes() throws Exception {
        try (TwoNodes nodes = TwoNodes.start()) {
            RedisAgentLines nodeA = new RedisAgentLines(nodes.a);
            RedisAgentLines nodeB = new RedisAgentLines(nodes.b);
            AtomicInteger asked = new AtomicInteger();
            boolean[] on = {true};
            java.util.function.Function<String, Future<Boolean>> busy = pointer -> {
                asked.incrementAndGet();
                return Future.succeededFuture(on[0]);
            };
            assertThat(await(nodeA.take("user:ann", "call-1", busy))).isTrue();
            assertThat(await(nodeA.take("user:ann", "call-1", busy))).as("the same call again").isTrue();
            assertThat(await(nodeB.take("user:ann", "call-2", busy))).as("another call on another node, the first still on").isFalse();
            assertThat(await(nodeB.take("user:bob", "call-3", busy))).as("another agent").isTrue();

            // The first call is over without anyone freeing the line (its node died): the line is taken over.
            on[0] = false;
            assertThat(await(nodeB.take("user:ann", "call-2", busy))).isTrue();
            int before = asked.get();
            // Freeing a call the line no longer points at leaves it alone.
            nodeA.free("user:ann", "call-1");
            Thread.sleep(100);
            on[0] = true;
            assertThat(await(nodeA.take("user:ann", "call-4", busy))).isFalse();
            assertThat(asked.get()).isGreaterThan(before);
            nodeB.free("user:ann", "call-2");
            Thread.sleep(100);
            assertThat(await(nodeA.take("user:ann", "call-4", busy))).as("freed by its own end").isTrue();
        }
    }
}
