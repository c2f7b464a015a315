package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Idle visitors expire after the TTL, and dashboards hear of it within one sweep interval. */
class CleanupTest {
    /** The server under test; the cluster variant runs the same tests on nodes sharing Redis. */
    TestServer start(UnaryOperator<TippenConfig> tweak) {
        return TestServer.start(tweak);
    }

    TestServer start() {
        return start(c -> c);
    }

    @Test
    void inactiveVisitorsAreRemovedAndDashboardsTold() {
        Duration ttl = Duration.ofMillis(1500);
        Duration sweep = Duration.ofMillis(500);
        try (TestServer server = start(c -> c.withTimes(ttl, sweep, Duration.ofMillis(1200)))) {
            KeyStore.CreatedSite site = server.createSite("Cleanup");
            server.track(site.publicKey(), "pageview", "v_idle");
            server.track(site.publicKey(), "pageview", "v_busy");
            try (TestServer.Socket dash = server.dashboard(site.secretKey());
                 TestServer.Socket original = server.originalDashboard(site.secretKey());
                 TestServer.Socket legacyOff = server.socket("/ws/dashboard?cleanupList=false&apiKey=" + site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                original.next("INITIAL_VISITORS");
                legacyOff.next("INITIAL_VISITORS");
                long start = System.currentTimeMillis();
                // Keep one visitor busy past the TTL of the other.
                for (int i = 0; i < 8; i++) {
                    TestServer.sleep(250);
                    server.track(site.publicKey(), "heartbeat", "v_busy");
                }
                JsonObject removed = dash.next("VISITOR_REMOVED");
                long took = System.currentTimeMillis() - start;
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("v_idle");
                assertThat(removed.getString("reason")).isEqualTo("inactive");
                assertThat(took).isLessThan(ttl.plus(sweep).toMillis() + 1500);
                // The original's kind of dashboard learns of it from the list, as the original told it.
                JsonObject list = original.next("VISITOR_LIST");
                assertThat(TestServer.ids(list)).containsExactly("v_busy");
                original.assertNone("VISITOR_REMOVED", 300);
                // A dashboard that understands removals (or asked for deltas only) gets VISITOR_REMOVED, not the full list.
                assertThat(legacyOff.next("VISITOR_REMOVED").getJsonArray("visitorIds").getList()).containsExactly("v_idle");
                legacyOff.assertNone("VISITOR_LIST", 700);
                dash.assertNone("VISITOR_LIST", 100);
            }
        }
    }

    @Test
    void unansweredInvitesExpire() {
        try (TestServer server = start(c -> c.withTimes(Duration.ofMinutes(5), Duration.ofMillis(300), Duration.ofMillis(800)))) {
            KeyStore.CreatedSite site = server.createSite("Invites expire");
            server.track(site.publicKey(), "pageview", "v_wait");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                server.invite(site.secretKey(), "v_wait", "https://meet.example.com/x");
                JsonObject expired;
                do {
                    expired = dash.next("VISITOR_UPDATE");
                } while (!"invite_expired".equals(expired.getString("event")));
                assertThat(expired.getJsonObject("visitor").getString("status")).isEqualTo("active");
            }
            try (TestServer.Socket v = server.visitor(site.publicKey(), "v_wait")) {
                v.next("CONNECTED");
                v.assertQuiet(400);
            }
        }
    }
}
