package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tippen.bench.RedisProcess;
import dev.tippen.engine.redis.RedisKeyStore;
import dev.tippen.site.KeyStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two node processes behind a real nginx, sharing a real redis-server. One node is killed with
 * SIGKILL while page views flow; the dashboards it held reconnect through nginx, land on the other
 * node, and find every visitor that was acknowledged.
 */
class NodeDeathTest {
    static final Path NGINX = Nginx.BINARY;

    @Test
    void dashboardsOfAKilledNodeReconnectThroughNginxAndSeeEveryAcknowledgedVisitor() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(NGINX), "needs Debian's nginx (apt-get install nginx)");
        try (RedisProcess redis = RedisServer.start()) {
            KeyStore.CreatedSite site;
            try (KeyStore keys = RedisKeyStore.open(redis.url())) {
                site = keys.createSite("Failover", false);
            }
            try (Node a = new Node(redis.url()); Node b = new Node(redis.url()); Nginx lb = new Nginx(a.port, b.port)) {
                String dashboardUrl = "ws://127.0.0.1:" + lb.port + "/ws/dashboard?apiKey=" + site.secretKey();
                List<TestServer.Socket> dashboards = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    TestServer.Socket d = TestServer.connect(dashboardUrl);
                    d.next("INITIAL_VISITORS");
                    dashboards.add(d);
                }
                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                Thread load = new Thread(() -> {
                    for (int i = 0; i < 1200 && !Thread.currentThread().isInterrupted(); i++) {
                        String id = "v_lb" + i;
                        if (track(lb.port, site.publicKey(), id) == 200) acknowledged.add(id);
                    }
                });
                load.start();
                TestServer.eventually("page views flowing through nginx", java.time.Duration.ofSeconds(30), () -> acknowledged.size() >= 100);
                a.kill();
                int reconnected = 0;
                for (int i = 0; i < dashboards.size(); i++) {
                    TestServer.Socket d = dashboards.get(i);
                    try {
                        d.closeCode.get(200, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException stillOpen) {
                        continue;
                    }
                    // Reconnected through nginx, which now has only node B to send it to.
                    Set<String> before = new HashSet<>(acknowledged);
                    TestServer.Socket again = TestServer.connect(dashboardUrl);
                    assertThat(TestServer.ids(again.next("INITIAL_VISITORS"))).containsAll(before);
                    dashboards.set(i, again);
                    reconnected++;
                }
                assertThat(reconnected).as("dashboards that were on the killed node").isGreaterThan(0);
                load.join(120_000);
                assertThat(acknowledged.size()).isGreaterThan(500);
                System.out.printf("node death: %d page views acknowledged, %d dashboards moved to the other node%n",
                        acknowledged.size(), reconnected);
                for (TestServer.Socket d : dashboards) {
                    d.send("{\"type\":\"GET_VISITORS\"}");
                    assertThat(TestServer.ids(d.next("VISITOR_LIST"))).containsAll(acknowledged);
                    d.close();
                }
            }
        }
    }

    static int track(int port, String key, String visitorId) {
        try {
            return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").header("X-Tippen-API-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", visitorId))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1; // cut or refused: not acknowledged
        }
    }

    /** A Tippen node in its own JVM, so it can be killed like a crashed machine. */
    static final class Node implements AutoCloseable {
        final int port;
        final Process process;

        Node(String redisUrl) throws Exception {
            port = ChildJvm.freePort();
            Path log = Files.createTempFile("tippen-node", ".log");
            process = new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m"), List.of("serve", "--redis", redisUrl,
                    "--port", Integer.toString(port), "--sweep-interval", "1s", "--track-limit-ip", "off", "--track-limit-site", "off")))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ChildJvm.awaitReady(process, port, 30_000, log);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

}
