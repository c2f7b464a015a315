package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The disk one public key can take is bounded: a site's history has a byte budget, and below the
 * node's free-space watermark new visitors are refused (503) while known ones keep being stored.
 */
class DiskLimitsTest {
    @Test
    void belowTheWatermarkNewVisitorsAreRefusedAndKnownOnesKeepWorking() throws Exception {
        Path dir = Files.createTempDirectory("tippen-disk");
        KeyStore.CreatedSite site = TestServer.createSite(dir, "Disk");
        try (TestServer server = TestServer.start(dir, c -> c)) {
            server.waitForKey(site.publicKey());
            assertThat(server.track(site.publicKey(), "pageview", "v_known").status()).isEqualTo(200);
        }
        // The same data dir, on a disk that (as far as the watermark is concerned) is full.
        try (TestServer server = TestServer.start(dir, c -> c.withLimits(c.limits().with(b -> b.minFreeDiskBytes = Long.MAX_VALUE / 2)))) {
            server.waitForKey(site.publicKey());
            TestServer.Response fresh = server.track(site.publicKey(), "pageview", "v_new");
            assertThat(fresh.status()).isEqualTo(503);
            assertThat(fresh.error()).contains("--min-free-disk");
            assertThat(server.track(site.publicKey(), "heartbeat", "v_known").status()).isEqualTo(200);
            TestServer.Response ready = server.get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.error()).contains("disk");
            assertThat(server.get("/healthz").status()).isEqualTo(200);
            assertThat(server.metric("tippen_rate_limited_total{limit=\"disk_low\"}")).isEqualTo(1);
        }
    }

    @Test
    void aSiteOverItsHistoryBudgetRecordsNoNewVisitsWhileOthersDo() {
        // About 30 visits of this size fit in 20 KB.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> b.maxHistoryBytesPerSite = 20_000)))) {
            KeyStore.CreatedSite big = server.createSite("Big");
            KeyStore.CreatedSite small = server.createSite("Small");
            String longPath = "/" + "p".repeat(300);
            for (int i = 0; i < 60; i++) {
                assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", "big_" + i, "https://example.com" + longPath + i),
                        "Content-Type", "application/json", "X-Tippen-API-Key", big.publicKey()).status()).as("tracking is untouched").isEqualTo(200);
            }
            for (int i = 0; i < 5; i++) server.track(small.publicKey(), "pageview", "small_" + i);
            TestServer.eventually("the small site's visits are recorded", Duration.ofSeconds(20),
                    () -> visits(server, small.secretKey()) == 5);
            TestServer.eventually("the history caught up", Duration.ofSeconds(20),
                    () -> server.metric("tippen_rate_limited_total{limit=\"history_bytes_site\"}") > 0);
            int recorded = visits(server, big.secretKey());
            assertThat(recorded).as("the big site's recorded visits").isBetween(10, 45);
            // The live list has them all: the budget is the history's, not tracking's.
            try (TestServer.Socket dash = server.dashboard(big.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).hasSize(60);
            }
        }
    }

    private static int visits(TestServer server, String secret) {
        return server.request("GET", "/api/visits?limit=100", null, "Authorization", "Bearer " + secret).json().getJsonArray("visits").size();
    }
}
