package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A server in a child JVM is killed (SIGKILL) or stopped (SIGTERM) mid-work; restarted on the same
 * data dir, everything it acknowledged is back.
 */
class DurabilityTest {

    /** A Tippen server in its own JVM, on a data dir and port that outlive it. */
    static final class Child implements AutoCloseable {
        final Path dir;
        final KeyStore.CreatedSite site;
        final int port;
        final List<String> extraArgs;
        final List<String> wrapper;
        List<String> jvm = List.of("-Xmx256m");
        Process process;

        Child(String name) throws Exception {
            this(name, List.of());
        }

        Child(String name, List<String> extraArgs) throws Exception {
            this(name, extraArgs, List.of());
        }

        /** {@code wrapper}: a command the server runs under (strace), its own arguments first. */
        Child(String name, List<String> extraArgs, List<String> wrapper) throws Exception {
            this(name, extraArgs, wrapper, List.of("-Xmx256m"));
        }

        /** {@code jvm}: the server's JVM options (its heap, say). */
        Child(String name, List<String> extraArgs, List<String> wrapper, List<String> jvm) throws Exception {
            this.extraArgs = extraArgs;
            this.wrapper = wrapper;
            this.jvm = jvm;
            dir = Files.createTempDirectory("tippen-child");
            site = TestServer.createSite(dir, name);
            port = ChildJvm.freePort();
            start();
        }

        void start() throws Exception {
            List<String> command = new java.util.ArrayList<>(wrapper);
            command.addAll(ChildJvm.command(jvm, List.of("serve", "--port", Integer.toString(port), "--data-dir", dir.toString(),
                    // All load comes from one address here, and a test's disk may be small; the limits have their own tests.
                    "--track-limit-ip", "off", "--track-limit-site", "off", "--min-free-disk", "0")));
            command.addAll(extraArgs);
            Path log = dir.resolve("child-" + System.nanoTime() + ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ChildJvm.awaitReady(process, port, 30_000, log);
        }

        /** The status the child answered a page view with. */
        int track(String visitorId) throws Exception {
            return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                    .timeout(Duration.ofSeconds(5))
                    .header("X-Tippen-API-Key", site.publicKey())
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", visitorId))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        int pageview(String visitorId, String url) throws Exception {
            return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                    .timeout(Duration.ofSeconds(5))
                    .header("X-Tippen-API-Key", site.publicKey())
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", visitorId, url))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        /** Every page of every visit the history holds, read through the API page by page. */
        Set<String> recordedPages() {
            Set<String> out = new java.util.HashSet<>();
            String cursor = null;
            try {
                do {
                    String q = "/api/visits?limit=500" + (cursor == null ? "" : "&cursor=" + cursor);
                    HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + q))
                            .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + site.secretKey()).build(),
                            HttpResponse.BodyHandlers.ofString());
                    io.vertx.core.json.JsonObject page = new io.vertx.core.json.JsonObject(r.body());
                    for (Object v : page.getJsonArray("visits")) {
                        for (Object p : ((io.vertx.core.json.JsonObject) v).getJsonArray("pages")) {
                            out.add(((io.vertx.core.json.JsonObject) p).getString("url"));
                        }
                    }
                    cursor = page.getString("nextCursor");
                } while (cursor != null);
            } catch (Exception e) {
                return Set.of();
            }
            return out;
        }

        /** A page view as a trusted proxy would forward it for {@code ip}. */
        int trackFrom(String visitorId, String ip) throws Exception {
            return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                    .timeout(Duration.ofSeconds(5))
                    .header("X-Tippen-API-Key", site.publicKey())
                    .header("X-Forwarded-For", ip)
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", visitorId))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        TestServer.Socket dashboard() {
            return TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=" + site.secretKey());
        }

        /** Waits for the process to end after a signal; true if it did. */
        boolean awaitExit() throws InterruptedException {
            return process.waitFor(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            // Under a wrapper the server is its child: it goes first, or it would outlive the wrapper.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tenSigkillsMidLoadLoseNoAcknowledgedVisitor() throws Exception {
        java.util.Random random = new java.util.Random(7);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Long> startupMillis = new java.util.ArrayList<>();
        try (Child child = new Child("Durable")) {
            for (int round = 0; round < 10; round++) {
                int r = round;
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(16);
                int before = acknowledged.size();
                for (int t = 0; t < 16; t++) {
                    int worker = t;
                    pool.submit(() -> {
                        for (int i = 0; i < 100_000 && !stop.get(); i++) {
                            String id = "v_" + r + "_" + worker + "_" + i;
                            try {
                                if (child.track(id) == 200) acknowledged.add(id);
                            } catch (Exception e) {
                                return;
                            }
                        }
                    });
                }
                // Kill at an arbitrary moment once the load is flowing: no shutdown hook, no flush.
                long deadline = System.currentTimeMillis() + 20_000;
                while (acknowledged.size() < before + 50 && System.currentTimeMillis() < deadline) Thread.sleep(5);
                Thread.sleep(random.nextInt(400));
                child.process.destroyForcibly();
                child.awaitExit();
                stop.set(true);
                pool.shutdown();
                pool.awaitTermination(30, TimeUnit.SECONDS);
                assertThat(acknowledged.size()).as("round %d acknowledged events", round).isGreaterThan(before);

                long t0 = System.nanoTime();
                child.start(); // the data dir must open after every crash
                startupMillis.add((System.nanoTime() - t0) / 1_000_000);
                Set<String> acked = Set.copyOf(acknowledged);
                try (TestServer.Socket dash = child.dashboard()) {
                    assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).as("after crash %d", round).containsAll(acked);
                }
            }
        }
        System.out.printf("durability: %d acknowledged visitors over 10 SIGKILLs, start-up after crash (ms): %s%n",
                acknowledged.size(), startupMillis);
    }

    @Test
    void aSigkillMidVisitLosesNoAcknowledgedPageViewFromTheHistory() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (Child child = new Child("History")) {
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                int worker = t;
                pool.submit(() -> {
                    for (int i = 0; i < 100_000 && !stop.get(); i++) {
                        String url = "https://example.com/w" + worker + "/p" + i;
                        try {
                            if (child.pageview("hv" + worker, url) == 200) acknowledged.add(url);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (acknowledged.size() < 400 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            child.process.destroyForcibly();
            child.awaitExit();
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, TimeUnit.SECONDS);

            child.start();
            Set<String> acked = Set.copyOf(acknowledged);
            Set<String> recorded = new java.util.HashSet<>();
            TestServer.eventually("every acknowledged page view is in a visit", Duration.ofSeconds(30), () -> {
                recorded.clear();
                recorded.addAll(child.recordedPages());
                return recorded.containsAll(acked);
            });
            System.out.printf("durability: %d acknowledged page views, all in the history after a SIGKILL%n", acked.size());
        }
    }

    @Test
    void sigtermClosesSocketsWith1001AndFlushes() throws Exception {
        try (Child child = new Child("Graceful")) {
            TestServer.Socket dash = child.dashboard();
            dash.next("INITIAL_VISITORS");
            assertThat(child.track("v_term")).isEqualTo(200);
            child.process.destroy(); // SIGTERM
            assertThat(dash.awaitClose()).isEqualTo(1001);
            assertThat(child.awaitExit()).isTrue();

            child.start();
            try (TestServer.Socket after = child.dashboard()) {
                assertThat(TestServer.ids(after.next("INITIAL_VISITORS"))).contains("v_term");
            }
        }
    }
}
