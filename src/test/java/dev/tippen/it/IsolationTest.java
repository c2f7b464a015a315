package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import org.junit.jupiter.api.Test;

/** Two sites on one server see nothing of each other. */
class IsolationTest {
    /** The server under test; the cluster variant runs the same tests on nodes sharing Redis. */
    TestServer start() {
        return TestServer.start();
    }

    @Test
    void sitesAreIsolated() {
        try (TestServer server = start()) {
            KeyStore.CreatedSite a = server.createSite("A");
            KeyStore.CreatedSite b = server.createSite("B");
            server.track(a.publicKey(), "pageview", "v_a");
            server.track(b.publicKey(), "pageview", "v_b");
            try (TestServer.Socket dashA = server.dashboard(a.secretKey());
                 TestServer.Socket dashB = server.dashboard(b.secretKey())) {
                assertThat(TestServer.ids(dashA.next("INITIAL_VISITORS"))).containsExactly("v_a");
                assertThat(TestServer.ids(dashB.next("INITIAL_VISITORS"))).containsExactly("v_b");
                server.track(a.publicKey(), "pageview", "v_a2");
                assertThat(dashA.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId")).isEqualTo("v_a2");
                dashB.assertQuiet(500);
                // A's secret key cannot invite B's visitor, even knowing its id.
                assertThat(server.invite(a.secretKey(), "v_b", "https://meet.example.com/").status()).isEqualTo(404);
                // The same visitor id on two sites is two visitors.
                server.track(b.publicKey(), "pageview", "v_a");
                assertThat(dashB.next("VISITOR_UPDATE").getJsonObject("visitor").getInteger("pageViews")).isEqualTo(1);
                dashA.assertQuiet(300);
            }
        }
    }
}
