package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A server in a child JVM takes concurrent tracks and is killed with SIGKILL mid-load; restarted on the
 * same data dir, every visitor it acknowledged is back.
 */
class DurabilityTest {

    static Process startChild(Path dataDir, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tippen.app.Main", "serve", "--port", Integer.toString(port), "--data-dir", dataDir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("child-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return p;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("child server did not become ready");
    }

    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void acknowledgedVisitorsSurviveSigkill() throws Exception {
        Path dir = Files.createTempDirectory("tippen-durable");
        KeyStore.CreatedSite site = TestServer.createSite(dir, "Durable");
        int port = freePort();
        Process child = startChild(dir, port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        URI track = URI.create("http://127.0.0.1:" + port + "/track/visitor");
        for (int t = 0; t < 16; t++) {
            int worker = t;
            pool.submit(() -> {
                for (int i = 0; i < 100_000 && !stop.get(); i++) {
                    String id = "v_" + worker + "_" + i;
                    try {
                        HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(track)
                                .timeout(Duration.ofSeconds(5))
                                .header("X-Tippen-API-Key", site.publicKey())
                                .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", id))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) acknowledged.add(id);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (acknowledged.size() < 1500 && System.currentTimeMillis() < deadline) Thread.sleep(20);
        child.destroyForcibly(); // SIGKILL on Unix: no shutdown hook, no flush
        child.waitFor(10, TimeUnit.SECONDS);
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        Set<String> acked = Set.copyOf(acknowledged);
        assertThat(acked).hasSizeGreaterThan(100);

        Process again = startChild(dir, port);
        try {
            TestServer.Socket dash = TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=" + site.secretKey());
            List<String> restored = new ArrayList<>(TestServer.ids(dash.next("INITIAL_VISITORS")));
            assertThat(restored).containsAll(acked);
            dash.close();
        } finally {
            again.destroyForcibly();
            again.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermClosesSocketsWith1001AndFlushes() throws Exception {
        Path dir = Files.createTempDirectory("tippen-term");
        KeyStore.CreatedSite site = TestServer.createSite(dir, "Graceful");
        int port = freePort();
        Process child = startChild(dir, port);
        TestServer.Socket dash = TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=" + site.secretKey());
        dash.next("INITIAL_VISITORS");
        HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                .header("X-Tippen-API-Key", site.publicKey())
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", "v_term"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        child.destroy(); // SIGTERM
        assertThat(dash.awaitClose()).isEqualTo(1001);
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        Process again = startChild(dir, port);
        try {
            TestServer.Socket after = TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=" + site.secretKey());
            assertThat(TestServer.ids(after.next("INITIAL_VISITORS"))).contains("v_term");
        } finally {
            again.destroyForcibly();
            again.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
