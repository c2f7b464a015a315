package dev.tippen.it;

import dev.tippen.config.TippenConfig;
import java.util.function.UnaryOperator;

/** CleanupTest against two nodes sharing one Redis: the sweep runs on one node, every dashboard hears it. */
class ClusterCleanupTest extends CleanupTest {
    @Override
    TestServer start(UnaryOperator<TippenConfig> tweak) {
        return TestServer.cluster(2, tweak);
    }
}
