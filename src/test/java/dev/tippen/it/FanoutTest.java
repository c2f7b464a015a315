package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Delivery to many dashboards under bursts, and what happens to a dashboard that stops reading. */
class FanoutTest {

    @Test
    void aBurstOfEventsReachesEveryDashboardInFull() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Burst");
            List<TestServer.Socket> dashboards = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                TestServer.Socket d = server.dashboard(site.secretKey());
                d.next("INITIAL_VISITORS");
                dashboards.add(d);
            }
            int events = 400;
            List<Integer> statuses = trackConcurrently(server, site.publicKey(), events, 64, "");
            assertThat(statuses).containsOnly(200);
            for (TestServer.Socket d : dashboards) {
                Set<String> seen = new HashSet<>();
                while (seen.size() < events) seen.add(d.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId"));
                assertThat(d.closeCode).isNotDone();
                d.close();
            }
        }
    }

    @Test
    void aFullListLargerThanTheWriteBudgetStillReachesAHealthyDashboard() {
        try (TestServer server = TestServer.start(c -> withWriteBudget(c, 16 * 1024))) {
            KeyStore.CreatedSite site = server.createSite("Big");
            for (int i = 0; i < 100; i++) assertThat(server.track(site.publicKey(), "pageview", "v" + i).status()).isEqualTo(200);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                JsonObject initial = dash.next("INITIAL_VISITORS");
                assertThat(initial.encode().length()).as("the list alone is over the budget").isGreaterThan(16 * 1024);
                assertThat(TestServer.ids(initial)).hasSize(100);
                assertThat(server.track(site.publicKey(), "heartbeat", "v7").status()).isEqualTo(200);
                assertThat(dash.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId")).isEqualTo("v7");
            }
        }
    }

    @Test
    void aDashboardThatStopsReadingIsClosedAndTheOthersMissNothing() throws Exception {
        try (TestServer server = TestServer.start(c -> withWriteBudget(c, 256 * 1024))) {
            KeyStore.CreatedSite site = server.createSite("Stall");
            TestServer.Socket healthy = server.dashboard(site.secretKey());
            healthy.next("INITIAL_VISITORS");
            try (java.net.Socket stalled = stalledDashboard(server, site.secretKey())) {
                // ~2.5 KiB per update: enough to fill the kernel's buffers on both sides and then the budget.
                String longPath = "x".repeat(2000);
                int events = 4000;
                List<Integer> statuses = trackConcurrently(server, site.publicKey(), events, 32, longPath);
                assertThat(statuses).containsOnly(200);
                long deadline = System.currentTimeMillis() + 10_000;
                while (!server.get("/metrics").body().contains("tippen_sockets_closed_slow_total{kind=\"dashboard\"} 1.0")
                        && System.currentTimeMillis() < deadline) {
                    TestServer.sleep(100);
                }
                assertThat(server.get("/metrics").body()).contains("tippen_sockets_closed_slow_total{kind=\"dashboard\"} 1.0");
                // Every visitor reaches the reading dashboard: as its own update, or in the list it is sent
                // if the burst put it more than half its budget behind.
                Set<String> seen = new HashSet<>();
                while (seen.size() < events) {
                    JsonObject m = healthy.next();
                    if ("VISITOR_UPDATE".equals(m.getString("type"))) seen.add(m.getJsonObject("visitor").getString("visitorId"));
                    else if ("VISITOR_LIST".equals(m.getString("type"))) seen.addAll(TestServer.ids(m));
                }
                assertThat(healthy.closeCode).isNotDone();
            }
            healthy.close();
        }
    }

    /** A dashboard that completes the handshake and then never reads a byte, with a tiny receive buffer. */
    private static java.net.Socket stalledDashboard(TestServer server, String secretKey) throws Exception {
        java.net.Socket s = new java.net.Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.base.getPort()), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws/dashboard?apiKey=" + secretKey + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] head = new byte[12];
        int n = s.getInputStream().read(head);
        assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
        return s;
    }

    /** Sends {@code count} page views for distinct visitors, at most {@code parallel} in flight; returns the statuses. */
    static List<Integer> trackConcurrently(TestServer server, String publicKey, int count, int parallel, String pathSuffix)
            throws Exception {
        Semaphore permits = new Semaphore(parallel);
        List<CompletableFuture<Integer>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            String body = TestServer.trackBody("pageview", "burst_" + i);
            if (!pathSuffix.isEmpty()) {
                JsonObject b = new JsonObject(body);
                b.getJsonObject("visitor").put("url", "https://example.com/" + pathSuffix);
                body = b.encode();
            }
            HttpRequest req = HttpRequest.newBuilder(server.base.resolve("/track/visitor"))
                    .header("Content-Type", "application/json").header("X-Tippen-API-Key", publicKey)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            all.add(TestServer.HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode).whenComplete((r, e) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return all.stream().map(CompletableFuture::join).toList();
    }

    private static TippenConfig withWriteBudget(TippenConfig c, int bytes) {
        return c.withLimits(c.limits().withSocketWriteQueueBytes(bytes));
    }
}
