package dev.tippen.it;

/** SocketContractTest against two nodes sharing one Redis; consecutive requests and sockets alternate nodes. */
class ClusterSocketContractTest extends SocketContractTest {
    @Override
    TestServer newServer() {
        return TestServer.cluster();
    }
}
