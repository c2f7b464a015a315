package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.App;
import dev.tippen.config.TippenConfig;
import dev.tippen.history.HistoryStores;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several nodes on a real redis-server keep one history in a real PostgreSQL (initdb and pg_ctl in a
 * temp dir): page views of one visit made through different nodes are one visit, and a node that dies
 * mid-visit loses nothing the others cannot finish.
 */
class ClusterHistoryTest {

    @Test
    void nodesShareOneHistoryAndAVisitSurvivesTheNodeItBeganOn() {
        String pg = HistoryStores.postgresUrl();
        java.util.function.UnaryOperator<TippenConfig> withHistory = c -> c.with(b -> b.history =
                new TippenConfig.HistoryOptions(pg, Duration.ofDays(400)));
        try (TestServer cluster = TestServer.cluster(2, withHistory)) {
            KeyStore.CreatedSite site = cluster.createSite("Shared history");
            App doomed = App.start(withHistory.apply(TestServer.testDefaults(cluster.dataDir).withRedis(cluster.redis.url())));
            TestServer viaDoomed = TestServer.attach(cluster, doomed);
            viaDoomed.waitForKey(site.publicKey());
            HistoryApiTest.pageview(viaDoomed, site.publicKey(), "cv1", "https://example.com/first");
            HistoryApiTest.pageview(cluster.on(0), site.publicKey(), "cv1", "https://example.com/second");
            // The node the visit began on dies; the rest of the visit goes through the others.
            doomed.close();
            HistoryApiTest.pageview(cluster.on(1), site.publicKey(), "cv1", "https://example.com/third");
            assertThat(cluster.on(0).post("/track/visitor", TestServer.trackBody("exit", "cv1", "https://example.com/third"),
                    "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);

            JsonObject visit = TestServer.eventually("the visit ended in the shared history", Duration.ofSeconds(40), () -> {
                JsonArray v = HistoryApiTest.visitsOf(cluster.on(1), site.secretKey(), "cv1");
                return v.size() == 1 ? v.getJsonObject(0) : null;
            }, v -> v != null && v.getValue("endedAt") != null);
            assertThat(visit.getInteger("pageViews")).isEqualTo(3);
            assertThat(visit.getString("endReason")).isEqualTo("exit");
            assertThat(visit.getJsonArray("pages").stream().map(p -> ((JsonObject) p).getString("url")).toList())
                    .isEqualTo(List.of("https://example.com/first", "https://example.com/second", "https://example.com/third"));
            // Either node answers the same history.
            assertThat(HistoryApiTest.visitsOf(cluster.on(0), site.secretKey(), "cv1").getJsonObject(0).getString("visitId"))
                    .isEqualTo(visit.getString("visitId"));
            JsonArray pages = HistoryApiTest.api(cluster.on(0), site.secretKey(), "/api/reports/pages").json().getJsonArray("rows");
            assertThat(pages).hasSize(3);

            // An erasure through either node (one writes the history, the other waits for it) answers
            // once the shared history no longer holds the visitor.
            HistoryApiTest.pageview(cluster.on(1), site.publicKey(), "cv2", "https://example.com/");
            for (int node = 0; node < 2; node++) {
                String id = node == 0 ? "cv1" : "cv2";
                assertThat(cluster.on(node).request("DELETE", "/api/visitors/" + id, null, "Authorization", "Bearer " + site.secretKey())
                        .status()).isEqualTo(204);
                assertThat(HistoryApiTest.visitsOf(cluster.on(1 - node), site.secretKey(), id)).as(id).isEmpty();
            }
        }
    }

    @Test
    void webhooksQueuedInPostgresAreSentOnceByOneNode() throws Exception {
        String pg = HistoryStores.postgresUrl();
        java.util.function.UnaryOperator<TippenConfig> withHistory = c -> c.with(b -> {
            b.history = new TippenConfig.HistoryOptions(pg, Duration.ofDays(400));
            b.webhooks = dev.tippen.config.WebhookOptions.defaults().allowingLocal();
        });
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer cluster = TestServer.cluster(2, withHistory)) {
            KeyStore.CreatedSite site = cluster.createSite("Shared hooks");
            TestServer.Response created = WebhookTest.api(cluster.on(1), site.secretKey(), "POST", "/api/webhooks",
                    new JsonObject().put("url", rx.url("/c")).put("events", new JsonArray().add("visitor.arrived")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            for (int i = 0; i < 6; i++) HistoryApiTest.pageview(cluster.on(i % 2), site.publicKey(), "wh" + i, "https://example.com/");
            rx.await("/c", 6, Duration.ofSeconds(30));
            // Once every delivery is recorded as delivered, nothing is left for either node to send.
            TestServer.eventually("every delivery recorded", Duration.ofSeconds(20), () -> WebhookTest.deliveries(cluster.on(0), site.secretKey(),
                    created.json().getString("id")).stream().allMatch(d -> "delivered".equals(((JsonObject) d).getString("state"))));
            List<Receiver.Request> got = rx.at("/c");
            assertThat(got).hasSize(6);
            assertThat(got.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(6);
            StandardWebhooksVerifier check = new StandardWebhooksVerifier(created.json().getString("secret"));
            for (Receiver.Request r : got) assertThat(check.verify(r)).isTrue();
            // Either node answers the same endpoints and deliveries.
            assertThat(WebhookTest.deliveries(cluster.on(0), site.secretKey(), created.json().getString("id"))).hasSize(6);
        }
    }
}
