package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.RateLimit;
import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token buckets per address and per site: 429 with Retry-After, nothing stored, other sites untouched. */
class RateLimitTest {

    private static TestServer start(TippenConfig.Rates rates) {
        return TestServer.start(c -> c.withRates(rates));
    }

    @Test
    void trackingOverTheAddressLimitIsRefusedAndNotStored() {
        try (TestServer server = start(new TippenConfig.Rates(new RateLimit(1, 10), null, null, 0, null, 0, null, null, null, null))) {
            KeyStore.CreatedSite site = server.createSite("Limited");
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestServer.Response r = server.track(site.publicKey(), "pageview", "rl_" + i);
                if (r.status() == 429) {
                    assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
                    assertThat(r.error()).contains("too many");
                    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
                    refused.add("rl_" + i);
                } else {
                    assertThat(r.status()).isEqualTo(200);
                }
            }
            assertThat(refused).hasSizeBetween(9, 10);
            try (TestServer.Socket dashboard = server.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dashboard.next("INITIAL_VISITORS"))).doesNotContainAnyElementsOf(refused).hasSize(20 - refused.size());
            }
            assertThat(server.get("/metrics").body()).contains("tippen_rate_limited_total{limit=\"track_ip\"}");
        }
    }

    @Test
    void aFloodOnOneSiteLeavesAnotherSiteAlone() throws Exception {
        try (TestServer server = start(new TippenConfig.Rates(null, new RateLimit(10, 20), null, 0, null, 0, null, null, null, null))) {
            KeyStore.CreatedSite flooded = server.createSite("Flooded");
            KeyStore.CreatedSite quiet = server.createSite("Quiet");
            // Ten times the flooded site's burst, all at once, while the quiet site tracks within its own.
            long floodStart = System.nanoTime();
            var flood = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return FanoutTest.trackConcurrently(server, flooded.publicKey(), 200, 16, "");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Integer> quietStatuses = new ArrayList<>();
            for (int i = 0; i < 15; i++) quietStatuses.add(server.track(quiet.publicKey(), "pageview", "q_" + i).status());
            List<Integer> floodStatuses = flood.get();
            double seconds = (System.nanoTime() - floodStart) / 1e9;
            assertThat(quietStatuses).containsOnly(200);
            assertThat(floodStatuses).contains(429);
            // The burst, and what the bucket refilled (10 a second) while the flood lasted: no more.
            assertThat(floodStatuses.stream().filter(s -> s == 200).count()).isBetween(20L, 20L + (long) Math.ceil(10 * seconds));
        }
    }

    @Test
    void invitesAreLimitedPerSite() {
        try (TestServer server = start(new TippenConfig.Rates(null, null, null, 0, new RateLimit(1, 3), 0, null, null, null, null))) {
            KeyStore.CreatedSite site = server.createSite("Invites");
            server.track(site.publicKey(), "pageview", "inv_v");
            for (int i = 0; i < 3; i++) assertThat(server.invite(site.secretKey(), "inv_v", "https://meet.example/r").status()).isEqualTo(200);
            TestServer.Response refused = server.invite(site.secretKey(), "inv_v", "https://meet.example/r");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void openSocketsPerAddressAreCappedAndGivenBackOnClose() {
        try (TestServer server = start(new TippenConfig.Rates(null, null, null, 3, null, 0, null, null, null, null))) {
            KeyStore.CreatedSite site = server.createSite("Sockets");
            List<TestServer.Socket> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestServer.Socket s = server.visitor(site.publicKey(), "s_" + i);
                s.next("CONNECTED");
                open.add(s);
            }
            assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=s_x")).isEqualTo(429);
            assertThat(server.refusedUpgrade("/ws/dashboard?apiKey=" + site.secretKey())).isEqualTo(429);
            open.get(0).close();
            long deadline = System.currentTimeMillis() + 5000;
            TestServer.Socket again = null;
            while (again == null && System.currentTimeMillis() < deadline) {
                try {
                    again = server.visitor(site.publicKey(), "s_again");
                } catch (IllegalStateException stillCounted) {
                    TestServer.sleep(50);
                }
            }
            assertThat(again).as("a slot frees when a socket closes").isNotNull();
            again.next("CONNECTED");
            again.close();
            open.forEach(TestServer.Socket::close);
        }
    }

    @Test
    void upgradesPerAddressAreRateLimited() {
        try (TestServer server = start(new TippenConfig.Rates(null, null, new RateLimit(1, 4), 0, null, 0, null, null, null, null))) {
            KeyStore.CreatedSite site = server.createSite("Upgrades");
            for (int i = 0; i < 4; i++) {
                try (TestServer.Socket s = server.visitor(site.publicKey(), "u_" + i)) {
                    s.next("CONNECTED");
                }
            }
            assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=u_x")).isEqualTo(429);
        }
    }
}
