package dev.tippen.it;

import dev.tippen.config.TippenConfig;
import java.util.function.UnaryOperator;

/** The original's dashboard against a node that shares its state through Redis. */
class ClusterOriginalDashboardTest extends OriginalDashboardTest {
    @Override
    TestServer newServer(UnaryOperator<TippenConfig> tweak) {
        return TestServer.cluster(2, tweak);
    }
}
