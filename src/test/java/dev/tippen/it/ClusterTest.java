package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tippen.app.App;
import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several nodes on one real redis-server behave as one Tippen. */
class ClusterTest {

    @Test
    void aVisitorTrackedOnOneNodeIsSeenOnTheOtherAndAnInviteCrossesBack() {
        try (TestServer cluster = TestServer.cluster()) {
            TestServer a = cluster.on(0);
            TestServer b = cluster.on(1);
            KeyStore.CreatedSite site = cluster.createSite("Cross");
            try (TestServer.Socket dashOnB = b.dashboard(site.secretKey())) {
                dashOnB.next("INITIAL_VISITORS");
                assertThat(a.track(site.publicKey(), "pageview", "v_cross").status()).isEqualTo(200);
                JsonObject update = dashOnB.next("VISITOR_UPDATE");
                assertThat(update.getJsonObject("visitor").getString("visitorId")).isEqualTo("v_cross");

                try (TestServer.Socket visitorOnA = a.visitor(site.publicKey(), "v_cross")) {
                    assertThat(visitorOnA.next().getString("type")).isEqualTo("CONNECTED");
                    TestServer.Response r = b.invite(site.secretKey(), "v_cross", "https://meet.example.com/r/1");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.json().getInteger("delivered")).isEqualTo(1);
                    JsonObject invite = visitorOnA.next("VIDEO_INVITE");
                    assertThat(invite.getString("guestUrl")).isEqualTo("https://meet.example.com/r/1");
                    assertThat(dashOnB.next("VIDEO_INVITE_SENT").getString("visitorId")).isEqualTo("v_cross");
                }
            }
        }
    }

    @Test
    void concurrentPageViewsForOneVisitorFromBothNodesAddUpExactly() throws Exception {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Counting");
            int perNode = 500;
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < perNode; i++) {
                for (var node : cluster.nodes) {
                    inFlight.acquire();
                    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/track/visitor"))
                            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                            .header("X-Tippen-API-Key", site.publicKey())
                            .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", "v_hot"))).build();
                    answers.add(TestServer.HTTP.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                            .thenApply(HttpResponse::statusCode).whenComplete((s, e) -> inFlight.release()));
                }
            }
            for (CompletableFuture<Integer> f : answers) assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            try (TestServer.Socket dash = cluster.dashboard(site.secretKey())) {
                JsonObject v = dash.next("INITIAL_VISITORS").getJsonArray("visitors").getJsonObject(0);
                assertThat(v.getInteger("pageViews")).isEqualTo(2 * perNode);
            }
            double conflicts = 0;
            for (int i = 0; i < cluster.nodes.size(); i++) conflicts += cluster.on(i).metric("tippen_redis_conflicts_total");
            // How often the nodes collide depends on timing, so it is reported, not asserted.
            System.out.printf("2 x %d page views: %.0f retried after a conflict%n", perNode, conflicts);
        }
    }

    @Test
    void everyDashboardOnEitherNodeGetsEachUpdateOnceAndInOrder() {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Order");
            try (TestServer.Socket onA = cluster.on(0).dashboard(site.secretKey());
                 TestServer.Socket onB = cluster.on(1).dashboard(site.secretKey())) {
                onA.next("INITIAL_VISITORS");
                onB.next("INITIAL_VISITORS");
                List<String> posted = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    String id = "v_order" + (i % 40);
                    // Alternate nodes; each POST is answered before the next is sent, so this is the order of the changes.
                    assertThat(cluster.on(i % 2).track(site.publicKey(), i % 5 == 0 ? "pageview" : "heartbeat", id).status())
                            .isEqualTo(200);
                    posted.add(id);
                }
                for (TestServer.Socket d : List.of(onA, onB)) {
                    List<String> seen = new ArrayList<>();
                    while (seen.size() < posted.size()) seen.add(d.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId"));
                    assertThat(seen).isEqualTo(posted);
                    d.assertQuiet(300);
                }
            }
        }
    }

    @Test
    void cleanupRunsOnceForTheWholeClusterAndEveryNodesDashboardsHearIt() {
        Duration ttl = Duration.ofMillis(1500);
        try (TestServer cluster = TestServer.cluster(3, c -> c.withTimes(ttl, Duration.ofMillis(300), Duration.ofMinutes(5)))) {
            KeyStore.CreatedSite site = cluster.createSite("Expiry");
            List<TestServer.Socket> dashboards = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    TestServer.Socket d = cluster.on(i).dashboard(site.secretKey());
                    d.next("INITIAL_VISITORS");
                    dashboards.add(d);
                }
                Set<String> ids = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    String id = "v_idle" + i;
                    ids.add(id);
                    assertThat(cluster.on(i % 3).track(site.publicKey(), "pageview", id).status()).isEqualTo(200);
                }
                for (TestServer.Socket d : dashboards) {
                    Set<String> removed = new HashSet<>();
                    while (!removed.containsAll(ids)) {
                        JsonObject m = d.next("VISITOR_REMOVED");
                        assertThat(m.getString("reason")).isEqualTo("inactive");
                        for (Object id : m.getJsonArray("visitorIds")) assertThat(removed.add((String) id)).as("removed once").isTrue();
                    }
                }
                // Once every removal is counted, a few more sweep intervals: nobody removes them again.
                TestServer.eventually("every expiry counted once", Duration.ofSeconds(5), () -> {
                    double expired = 0;
                    for (int i = 0; i < 3; i++) expired += cluster.on(i).metric("tippen_visitors_expired_total");
                    return expired;
                }, expired -> expired == ids.size());
                for (TestServer.Socket d : dashboards) d.assertNone("VISITOR_REMOVED", 1000);
                double expired = 0;
                for (int i = 0; i < 3; i++) expired += cluster.on(i).metric("tippen_visitors_expired_total");
                assertThat(expired).isEqualTo(ids.size());
            } finally {
                dashboards.forEach(TestServer.Socket::close);
            }
        }
    }

    @Test
    void withRedisDownNodesAreNotReadyRefuseEventsKeepSocketsAndRecoverByThemselves() throws Exception {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Outage");
            TestServer a = cluster.on(0);
            TestServer b = cluster.on(1);
            assertThat(a.track(site.publicKey(), "pageview", "v_before").status()).isEqualTo(200);
            try (TestServer.Socket dash = b.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsExactly("v_before");
                cluster.redis.kill();
                a.awaitStatus("/readyz", 503);
                b.awaitStatus("/readyz", 503);
                TestServer.Response refused = a.track(site.publicKey(), "pageview", "v_during");
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.error()).isEqualTo("storage unavailable, event not stored");
                assertThat(dash.closeCode).isNotDone();

                cluster.redis.restart();
                a.awaitStatus("/readyz", 200);
                b.awaitStatus("/readyz", 200);
                // The dashboard's node lost its subscription with the connection: it sends the list afresh.
                assertThat(TestServer.ids(dash.next("VISITOR_LIST"))).containsExactly("v_before");
                assertThat(a.track(site.publicKey(), "pageview", "v_after").status()).isEqualTo(200);
                assertThat(dash.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId")).isEqualTo("v_after");
                assertThat(dash.closeCode).isNotDone();
            }
        }
    }

    @Test
    void aFullRedisRefusesEventsWith503AndTakesThemAgainOnceThereIsRoom() {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Full");
            assertThat(cluster.track(site.publicKey(), "pageview", "v_room").status()).isEqualTo(200);
            // maxmemory below what Redis already uses, with noeviction: every write is refused.
            assertThat(cluster.redis.command("CONFIG SET maxmemory 1")).isEqualTo("+OK");
            TestServer.Response full = cluster.track(site.publicKey(), "pageview", "v_no_room");
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.error()).isEqualTo("storage unavailable, event not stored");
            assertThat(cluster.redis.command("CONFIG SET maxmemory 0")).isEqualTo("+OK");
            assertThat(cluster.track(site.publicKey(), "pageview", "v_room_again").status()).isEqualTo(200);
            try (TestServer.Socket dash = cluster.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsExactly("v_room", "v_room_again");
            }
        }
    }

    @Test
    void aRedisRestartUnderLoadLosesNoAcknowledgedEvent() throws Exception {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Restart");
            Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Thread load = new Thread(() -> {
                for (int i = 0; i < 1500 && !Thread.currentThread().isInterrupted(); i++) {
                    String id = "v_load" + i;
                    try {
                        if (cluster.track(site.publicKey(), "pageview", id).status() == 200) acknowledged.add(id);
                    } catch (IllegalStateException e) {
                        // A refused or cut connection is not an acknowledgement.
                    }
                    TestServer.sleep(2);
                }
            });
            load.start();
            TestServer.eventually("page views acknowledged before Redis dies", Duration.ofSeconds(30), () -> acknowledged.size() >= 50);
            cluster.redis.kill();
            TestServer.eventually("every node not ready while Redis is down", Duration.ofSeconds(10),
                    () -> cluster.on(0).get("/readyz").status() == 503 && cluster.on(1).get("/readyz").status() == 503);
            cluster.redis.restart();
            load.join(120_000);
            assertThat(acknowledged.size()).isGreaterThan(100);
            System.out.printf("redis restart: %d page views acknowledged%n", acknowledged.size());
            cluster.on(0).awaitStatus("/readyz", 200);
            try (TestServer.Socket dash = cluster.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsAll(acknowledged);
            }
        }
    }

    @Test
    void aSecretRotatedInRedisIsRefusedOnEveryNodeAndItsReplacementAccepted() {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Rotate");
            String fresh;
            try (KeyStore keys = cluster.keys()) {
                fresh = keys.rotateSecret(site.site().siteId());
            }
            for (int node = 0; node < 2; node++) {
                TestServer n = cluster.on(node);
                long deadline = System.currentTimeMillis() + 5000;
                while (n.invite(site.secretKey(), "v_none", "https://meet.example.com/").status() != 403
                        && System.currentTimeMillis() < deadline) {
                    TestServer.sleep(100);
                }
                TestServer.Response old = n.invite(site.secretKey(), "v_none", "https://meet.example.com/");
                assertThat(old.status()).isEqualTo(403);
                assertThat(old.error()).isEqualTo("API key revoked");
                assertThat(n.invite(fresh, "v_none", "https://meet.example.com/").status()).isEqualTo(404);
            }
        }
    }

    @Test
    void aNodeThatCannotReachRedisSaysSoAndStopsAtStart() throws Exception {
        int closed = RedisServer.freePort();
        assertThatThrownBy(() -> App.start(TippenConfig.defaults(java.nio.file.Files.createTempDirectory("tippen-test"))
                .withPort(0).withRedis("redis://127.0.0.1:" + closed)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Redis at redis://127.0.0.1:" + closed);
    }
}
