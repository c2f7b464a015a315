package dev.tippen.it;

/** IsolationTest against two nodes sharing one Redis. */
class ClusterIsolationTest extends IsolationTest {
    @Override
    TestServer start() {
        return TestServer.cluster();
    }
}
