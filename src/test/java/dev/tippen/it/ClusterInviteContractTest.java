package dev.tippen.it;

/** InviteContractTest against two nodes sharing one Redis; consecutive requests and sockets alternate nodes. */
class ClusterInviteContractTest extends InviteContractTest {
    @Override
    TestServer newServer() {
        return TestServer.cluster();
    }
}
