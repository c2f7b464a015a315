package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS, unknown routes, health, readiness, metrics, the tracker script and the demo key. */
class OpsTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRouteAnswersPreflightWith204AndCorsHeaders() {
        for (String path : new String[] {"/track/visitor", "/api/send-video-invite", "/ws/dashboard", "/nowhere"}) {
            TestServer.Response r = server.request("OPTIONS", path, null, "Origin", "https://shop.example.com",
                    "Access-Control-Request-Method", "POST");
            assertThat(r.status()).as(path).isEqualTo(204);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as(path).contains("*");
            assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET").contains("POST").contains("OPTIONS");
            assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
                    .contains("Content-Type, X-Tippen-API-Key, Authorization");
        }
    }

    @Test
    void unknownRoutesAreJson404() {
        TestServer.Response r = server.get("/does/not/exist");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("not found");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    @Test
    void healthReadinessAndMetrics() {
        assertThat(server.get("/healthz").status()).isEqualTo(200);
        TestServer.Response ready = server.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getString("status")).isEqualTo("ready");
        KeyStore.CreatedSite site = server.createSite("Metrics");
        server.track(site.publicKey(), "pageview", "v_metrics");
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("tippen_http_requests_total{route=\"/track/visitor\",status=\"200\"}");
            assertThat(metrics).contains("tippen_open_sockets{kind=\"dashboard\"} 1.0");
            assertThat(metrics).containsPattern("tippen_live_visitors [1-9]");
            assertThat(metrics).contains("tippen_events_total{event=\"pageview\"}");
            assertThat(metrics).contains("tippen_events_per_second");
            assertThat(metrics).contains("tippen_store_commit_seconds_count");
        }
    }

    @Test
    void trackingTimeIsCountedForEveryDurableEventAndNoRefusal() {
        KeyStore.CreatedSite site = server.createSite("Track timing");
        assertThat(server.track(site.publicKey(), "pageview", "v_timed").status()).isEqualTo(200);
        assertThat(server.post("/track/visitor", "{not json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(400);
        double answered = server.metric("tippen_http_requests_total{route=\"/track/visitor\",status=\"200\"}");
        assertThat(answered).isPositive();
        assertThat(server.metric("tippen_track_seconds_count")).isEqualTo(answered);
        assertThat(server.metric("tippen_track_seconds_bucket{le=\"+Inf\"}")).isEqualTo(answered);
        assertThat(server.metric("tippen_track_seconds_sum")).isPositive();
    }

    @Test
    void openSocketsAreCountedUntilTheyClose() {
        KeyStore.CreatedSite site = server.createSite("Socket gauge");
        TestServer.Socket dash = server.dashboard(site.secretKey());
        TestServer.Socket visitor = server.visitor(site.publicKey(), "v_gauge");
        dash.next("INITIAL_VISITORS");
        visitor.next("CONNECTED");
        assertThat(server.get("/metrics").body()).contains("tippen_open_sockets{kind=\"visitor\"} 1.0");
        dash.close();
        visitor.close();
        String metrics = "";
        for (int i = 0; i < 50; i++) {
            metrics = server.get("/metrics").body();
            if (metrics.contains("tippen_open_sockets{kind=\"visitor\"} 0.0")
                    && metrics.contains("tippen_open_sockets{kind=\"dashboard\"} 0.0")) break;
            TestServer.sleep(100);
        }
        assertThat(metrics).contains("tippen_open_sockets{kind=\"dashboard\"} 0.0")
                .contains("tippen_open_sockets{kind=\"visitor\"} 0.0");
    }

    @Test
    void trackerScriptIsServed() {
        TestServer.Response r = server.get("/tippen-tracker.js");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/javascript");
        assertThat(r.body()).contains("data-tippen-api-key").contains("/ws/visitor").contains("tippen-video-modal");
    }

    @Test
    void theDemoKeyWorksInBothRoles() {
        assertThat(server.track("demo_api_key", "pageview", "test_visitor_1").status()).isEqualTo(200);
        try (TestServer.Socket dash = server.dashboard("demo_api_key")) {
            assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).contains("test_visitor_1");
        }
        assertThat(server.invite("demo_api_key", "test_visitor_1", "https://app.customerconnect.live/public/demo/guest/x")
                .json().getBoolean("success")).isTrue();
    }
}
