package dev.tippen.it;

/** TrackContractTest against two nodes sharing one Redis; consecutive requests and sockets alternate nodes. */
class ClusterTrackContractTest extends TrackContractTest {
    @Override
    TestServer newServer() {
        return TestServer.cluster();
    }
}
