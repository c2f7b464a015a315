package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One site's public key can take only its share of the node's visitors and sockets: past it that
 * site's new ones get a 503 naming the site's limit, while other sites keep working.
 */
class FairSharesTest {
    @Test
    void oneSiteFillsOnlyItsShareOfTheVisitors() {
        // A node of 100 visitors: a site's share is half of it.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().withBudgets(100, 1_000)))) {
            KeyStore.CreatedSite flood = server.createSite("Flood");
            KeyStore.CreatedSite other = server.createSite("Other");
            int accepted = 0;
            TestServer.Response refused = null;
            for (int i = 0; i < 80; i++) {
                TestServer.Response r = server.track(flood.publicKey(), "pageview", "flood_" + i);
                if (r.status() == 200) accepted++;
                else if (refused == null) refused = r;
            }
            assertThat(accepted).isEqualTo(50);
            assertThat(refused).isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.error()).contains("--max-visitors-per-site").contains("50");
            // Known visitors of the full site keep working.
            assertThat(server.track(flood.publicKey(), "heartbeat", "flood_0").status()).isEqualTo(200);
            for (int i = 0; i < 40; i++) {
                assertThat(server.track(other.publicKey(), "pageview", "other_" + i).status()).as("other site's visitor " + i).isEqualTo(200);
            }
            assertThat(server.metric("tippen_rate_limited_total{limit=\"visitors_site\"}")).isEqualTo(30);
        }
    }

    @Test
    void visitorsAreChargedWhatTheyHoldAndGiveItBackWhenTheyLeave() {
        // 48 KiB for visitors, a site's share half of it: a few dozen small visitors, each charged from its stored size.
        Duration ttl = Duration.ofSeconds(2);
        try (TestServer server = TestServer.start(c -> c.withTimes(ttl, Duration.ofMillis(200), Duration.ofMinutes(2))
                .withLimits(c.limits().with(b -> {
                    b.visitorBytes = 48 * 1024;
                    b.visitorBytesPerSite = 24 * 1024;
                })))) {
            KeyStore.CreatedSite flood = server.createSite("Flood");
            KeyStore.CreatedSite other = server.createSite("Other");
            KeyStore.CreatedSite third = server.createSite("Third");
            int accepted = fill(server, flood.publicKey(), "flood_");
            TestServer.Response refused = server.track(flood.publicKey(), "pageview", "flood_late");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.error()).contains("24 KB of live visitors (" + accepted + " of them)").contains("its share");
            double charged = server.metric("tippen_visitor_memory_bytes");
            assertThat(charged).as("the site's share, with no room for one more visitor").isBetween(24 * 1024 - charged / accepted, 24 * 1024.0);
            assertThat(accepted).as("each small visitor is charged about two and a half kilobytes").isBetween(6, 14);

            // A known visitor's next pages grow its charge, past the share, and are never refused.
            for (int p = 0; p < 5; p++) {
                assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", "flood_0", "https://shop.example/next/" + p + "/" + "x".repeat(900)),
                        "Content-Type", "application/json", "X-Tippen-API-Key", flood.publicKey()).status()).isEqualTo(200);
            }
            assertThat(server.metric("tippen_visitor_memory_bytes")).isGreaterThan(24 * 1024.0);

            // Another site has its own share, until the node's budget is spent.
            int others = fill(server, other.publicKey(), "other_");
            assertThat(others).isPositive();
            TestServer.Response full = server.track(third.publicKey(), "pageview", "third_0");
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.error()).contains("as many visitors as it can");
            assertThat(server.metric("tippen_visitor_memory_budget_bytes")).isEqualTo(48 * 1024.0);

            // Once they expire, every charge is given back and new visitors come in again.
            TestServer.eventually("expired visitors give their charge back", Duration.ofSeconds(15),
                    () -> server.metric("tippen_visitor_memory_bytes") == 0);
            assertThat(server.track(third.publicKey(), "pageview", "third_0").status()).isEqualTo(200);
            assertThat(fill(server, flood.publicKey(), "again_")).isEqualTo(accepted);
        }
    }

    @Test
    void visitorsRestoredAtStartAreChargedAsTheyWereBefore() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tippen-charges");
        double before;
        String key;
        try (TestServer server = TestServer.start(dir, c -> c)) {
            key = server.createSite("Restored").publicKey();
            for (int i = 0; i < 5; i++) assertThat(server.track(key, "pageview", "r_" + i).status()).isEqualTo(200);
            before = server.metric("tippen_visitor_memory_bytes");
        }
        try (TestServer server = TestServer.start(dir, c -> c)) {
            assertThat(before).isPositive();
            assertThat(server.metric("tippen_visitor_memory_bytes")).isEqualTo(before);
        }
    }

    /** New visitors of one site until it is refused: how many were taken. */
    private static int fill(TestServer server, String key, String prefix) {
        for (int i = 0; i < 200; i++) {
            if (server.track(key, "pageview", prefix + i).status() != 200) return i;
        }
        throw new AssertionError("never refused");
    }

    @Test
    void oneSiteFillsOnlyItsShareOfTheSockets() {
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().withBudgets(10_000, 20)))) {
            KeyStore.CreatedSite flood = server.createSite("Flood");
            KeyStore.CreatedSite other = server.createSite("Other");
            List<TestServer.Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    TestServer.Socket s = server.visitor(flood.publicKey(), "sock_" + i);
                    s.next("CONNECTED");
                    open.add(s);
                }
                assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + flood.publicKey() + "&visitorId=sock_10")).isEqualTo(503);
                TestServer.Socket dash = server.dashboard(other.secretKey());
                open.add(dash);
                dash.next("INITIAL_VISITORS");
                for (int i = 0; i < 5; i++) {
                    TestServer.Socket s = server.visitor(other.publicKey(), "other_" + i);
                    s.next("CONNECTED");
                    open.add(s);
                }
                assertThat(server.metric("tippen_rate_limited_total{limit=\"sockets_site\"}")).isEqualTo(1);
            } finally {
                open.forEach(TestServer.Socket::close);
            }
        }
    }

    @Test
    void oneSiteStoresOnlyItsShareOfTheDisksWrites() {
        // 64 KB a second, bursts of 256 KB: a few dozen page views of a visitor whose trail is full of long addresses.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> b.siteWriteBytesPerSecond = 64 * 1024)))) {
            KeyStore.CreatedSite heavy = server.createSite("Heavy");
            KeyStore.CreatedSite light = server.createSite("Light");
            String longPath = "/" + "q".repeat(2_000);
            TestServer.Response refused = null;
            int accepted = 0;
            for (int i = 0; i < 200 && refused == null; i++) {
                TestServer.Response r = server.post("/track/visitor", TestServer.trackBody("pageview", "heavy", "https://example.com/" + i + longPath),
                        "Content-Type", "application/json", "X-Tippen-API-Key", heavy.publicKey());
                if (r.status() == 200) accepted++;
                else refused = r;
            }
            assertThat(refused).as("the heavy site is slowed").isNotNull();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.error()).contains("--track-bytes-site");
            assertThat(accepted).isGreaterThan(5);
            // Refused at the door while the allowance refills one such write (this visitor's size over
            // 64 KB/s): a body that is not even JSON gets the same 429, since it is never read.
            TestServer.Response atTheDoor = server.post("/track/visitor", "{not json", "Content-Type", "application/json",
                    "X-Tippen-API-Key", heavy.publicKey());
            assertThat(atTheDoor.status()).as(atTheDoor.body()).isEqualTo(429);
            assertThat(atTheDoor.error()).contains("--track-bytes-site");
            assertThat(server.track(light.publicKey(), "pageview", "light_1").status()).isEqualTo(200);
            assertThat(server.metric("tippen_rate_limited_total{limit=\"track_bytes_site\"}")).isEqualTo(2);
        }
    }
}
