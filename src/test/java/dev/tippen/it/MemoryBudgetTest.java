package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.Budgets;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a page's public key can take: visitors with every field at its cap, from one IPv6 /64 and
 * from many sites, sent to a server with a small heap and its default budgets, until the budgets
 * refuse. The server stays up, with no OutOfMemoryError, known visitors and open dashboards still
 * served; a /64 shares one rate limit whatever address of it each request comes from.
 */
class MemoryBudgetTest {
    /** A string of {@code n} characters outside Latin-1 (two bytes each in the heap, two in UTF-8: the most a 16 KiB body holds). */
    static String wide(String prefix, int n) {
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < n) b.append('\u0100');
        return b.substring(0, n);
    }

    /** An event with every field at its cap. */
    static String fattest(String visitorId, int page) {
        return new JsonObject().put("event", "pageview").put("website", wide("w", 253)).put("visitor", new JsonObject()
                .put("visitorId", visitorId + "_" + "x".repeat(Math.max(0, 120 - visitorId.length())))
                .put("url", wide("https://shop.example/p" + page + "/", 2048))
                .put("referrer", wide("https://ref.example/", 2048))
                .put("title", wide("t" + page, 512))
                .put("userAgent", wide("Mozilla/5.0 ", 512))
                .put("screenResolution", wide("s", 64)).put("language", wide("l", 64)).put("timezone", wide("z", 64))
                .put("timestamp", wide("2026", 64)).put("pageLoadId", "p" + "0".repeat(62) + (page % 10))).encode();
    }

    static int post(DurabilityTest.Child child, String body, String forwardedFor) {
        return post(child, child.site.publicKey(), body, forwardedFor);
    }

    static int post(DurabilityTest.Child child, String key, String body, String forwardedFor) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port + "/track/visitor"))
                .timeout(Duration.ofSeconds(20)).header("X-Tippen-API-Key", key)
                .header("Content-Type", "application/json").version(java.net.http.HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (forwardedFor != null) b.header("X-Forwarded-For", forwardedFor);
        try {
            return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * The live heap once the history has caught up: a batch the history writer holds in hand is
     * bounded (and counted in the heap's reserve), not a cost of each live visitor. The class
     * histogram's total counts only what a full collection keeps; the heap's used figure would also
     * count whatever the server allocated since that collection.
     */
    static double heapAfterGc(DurabilityTest.Child child) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        int quiet = 0;
        while (quiet < 3 && System.currentTimeMillis() < deadline) {
            String m = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            boolean caughtUp = !m.contains("\ntippen_history_lag_seconds ") || m.contains("\ntippen_history_lag_seconds 0.0");
            quiet = caughtUp ? quiet + 1 : 0;
            Thread.sleep(300);
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process histogram = new ProcessBuilder(jcmd.toString(), Long.toString(child.process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(histogram.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        histogram.waitFor(30, TimeUnit.SECONDS);
        for (String line : out.split("\n")) {
            String[] total = line.trim().split("\\s+");
            if (total.length == 3 && total[0].equals("Total")) return Double.parseDouble(total[2]);
        }
        throw new AssertionError("no heap total in the class histogram: " + out);
    }

    /** An event as the served tracker sends it from an ordinary page. */
    static String typical(String visitorId, int page) {
        return new JsonObject().put("event", "pageview").put("website", "shop.example").put("visitor", new JsonObject()
                .put("visitorId", "v_" + visitorId + "_k3j9x2m1q8")
                .put("url", "https://shop.example/products/winter-jackets/alpine-" + page + "?utm_source=newsletter")
                .put("referrer", page == 0 ? "https://www.google.com/" : "https://shop.example/products/winter-jackets")
                .put("title", "Alpine Jacket " + page + " | Shop Example")
                .put("userAgent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
                .put("screenResolution", "1920x1080").put("language", "en-US").put("timezone", "Europe/Berlin")
                .put("timestamp", "2026-12-06T10:15:3" + page + ".123Z").put("pageLoadId", "pl_" + visitorId + "_" + page)).encode();
    }

    static double metric(DurabilityTest.Child child, String name) throws Exception {
        String m = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : m.split("\n")) if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
        throw new AssertionError("no " + name);
    }

    /**
     * What a visitor holds, measured against what it is charged: never more, so the budget keeps the
     * heap safe; and for ordinary visitors not much less, so the budget does not turn them away
     * early. The live visitor alone: the history writer's cache of open visits is a fixed cost (24 MB
     * at most, in the half of the heap the budgets leave), which the visitors would share out as
     * several KiB each, more or fewer depending on how far the writer had filled it.
     */
    @Test
    void aVisitorIsChargedAtLeastWhatItHolds() throws Exception {
        // The serial collector otherwise leaves up to 5 % of the old generation as dead objects it does
        // not move, and counts them as live until every fourth full collection.
        List<String> args = List.of("--track-bytes-site", "0", "--history", "off", "--sockets-per-ip", "0", "--connections-per-ip", "0",
                "--upgrade-limit-ip", "off");
        try (DurabilityTest.Child child = new DurabilityTest.Child("Measure", args, List.of(), List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:MarkSweepDeadRatio=0"))) {
            post(child, fattest("warm", 0), null);
            post(child, typical("warm", 0), null);
            int[] counts = {400, 1_500};
            String[] kinds = {"largest", "typical"};
            for (int k = 0; k < 2; k++) {
                double heapBefore = heapAfterGc(child);
                double chargedBefore = metric(child, "tippen_visitor_memory_bytes");
                // The largest: a full trail, every page of it at its cap. The typical: five pages.
                boolean largest = k == 0;
                for (int v = 0; v < counts[k]; v++) {
                    for (int p = 0; p < (largest ? 21 : 5); p++) {
                        assertThat(post(child, largest ? fattest("v" + v, p) : typical("t" + v, p), null)).isEqualTo(200);
                    }
                }
                double held = (heapAfterGc(child) - heapBefore) / counts[k];
                double charged = (metric(child, "tippen_visitor_memory_bytes") - chargedBefore) / counts[k];
                System.out.printf("memory budget: a %s visitor holds %.0f bytes of heap and is charged %.0f%n", kinds[k], held, charged);
                assertThat(held).as("a %s visitor's heap against its charge", kinds[k]).isLessThanOrEqualTo(charged);
                // Ordinary visitors must not be turned away early. (The largest one's figure also counts
                // bounded caches its unique strings fill, such as parsed user agents: too loose to bound it from below.)
                if (!largest) assertThat(charged).as("a typical visitor's charge against its heap").isLessThanOrEqualTo(held * 2);
            }
            // An idle visitor socket, as the served tracker holds one on every page.
            int sockets = 1_000;
            double heapBefore = heapAfterGc(child);
            List<TestServer.Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ExecutorService eight = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<CompletableFuture<Void>> opening = new ArrayList<>();
                for (int i = 0; i < sockets; i++) {
                    String url = "ws://127.0.0.1:" + child.port + "/ws/visitor?apiKey=" + child.site.publicKey() + "&visitorId=v_t" + i + "_k3j9x2m1q8";
                    opening.add(CompletableFuture.runAsync(() -> open.add(TestServer.connect(url)), eight));
                }
                CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
                for (TestServer.Socket o : open) o.next("CONNECTED");
                double held = (heapAfterGc(child) - heapBefore) / sockets;
                System.out.printf("memory budget: an idle socket holds %.0f bytes of heap and is budgeted %d%n", held, Budgets.SOCKET_BYTES);
                assertThat(held).isLessThanOrEqualTo(Budgets.SOCKET_BYTES);
                assertThat(Budgets.SOCKET_BYTES).as("a socket's budget against its heap").isLessThanOrEqualTo((long) (held * 2));
            } finally {
                eight.shutdownNow();
                open.forEach(TestServer.Socket::close);
            }
        }
    }

    @Test
    void aFloodFromOneNetworkAndManySitesMeetsTheBudgetsAndTheServerStaysUp() throws Exception {
        // 160 MiB of heap: the default budgets follow it (see TippenConfig.Limits.forHeap).
        Path dir = Files.createTempDirectory("tippen-flood");
        List<String> args = List.of("--trusted-proxy", "127.0.0.0/8", "--track-limit-ip", "1/s:100", "--track-limit-site", "off",
                "--upgrade-limit-ip", "off", "--sockets-per-ip", "0");
        try (DurabilityTest.Child child = new DurabilityTest.Child("Flood", args, List.of(), List.of("-Xmx160m", "-XX:+UseSerialGC"))) {
            // One /64: every address of it shares one bucket (burst 100), whatever its low bits.
            int limited = 0;
            for (int i = 0; i < 200; i++) {
                String ip = "2001:db8:7:9:" + Integer.toHexString(i) + ":1:2:3";
                if (post(child, fattest("n" + i, 0), ip) == 429) limited++;
            }
            assertThat(limited).as("a /64 is one client to the limits").isGreaterThanOrEqualTo(95);

            TestServer.Socket dash = child.dashboard();
            dash.next("INITIAL_VISITORS");
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 20; i++) keys.add(TestServer.createSite(child.dir, "site " + i).publicKey());
            TestServer.eventually("the new sites' keys known", Duration.ofSeconds(10),
                    () -> post(child, keys.get(19), fattest("probe", 0), "10.255.255.255") == 200);
            // Twenty sites' visitors, each from an address of its own, until the node's budget refuses.
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger other = new AtomicInteger();
            Semaphore inFlight = new Semaphore(16);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 9_000 && refused.get() < 200; i++) {
                inFlight.acquire();
                String ip = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                String body = fattest("f" + i, 0);
                String key = keys.get(i % keys.size());
                all.add(CompletableFuture.runAsync(() -> {
                    int s = post(child, key, body, ip);
                    if (s == 200) ok.incrementAndGet();
                    else if (s == 503) refused.incrementAndGet();
                    else other.incrementAndGet();
                    inFlight.release();
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            System.out.printf("memory budget: %d visitors taken, %d refused with 503, %d other%n", ok.get(), refused.get(), other.get());
            assertThat(refused.get()).as("past the budget new visitors are refused").isGreaterThan(0);
            assertThat(other.get()).isZero();
            assertThat(child.process.isAlive()).isTrue();
            // A known visitor keeps working, the open dashboard still hears of it.
            assertThat(post(child, keys.get(0), fattest("f0", 1), "10.0.0.0")).isEqualTo(200);
            assertThat(post(child, fattest("n0", 1), null)).as("the first site's known visitor").isEqualTo(200);
            JsonObject seen;
            do {
                seen = dash.next("VISITOR_UPDATE");
            } while (!seen.getJsonObject("visitor").getString("visitorId").startsWith("n0_"));
            assertThat(TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + child.port + "/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            dash.close();
            for (Path log : Files.list(child.dir).filter(p -> p.getFileName().toString().startsWith("child-")).toList()) {
                assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
            }
        }
    }

    @Test
    void pastTheBudgetsNewcomersWaitAndEveryoneKnownKeepsWorking() {
        // The node's budgets, not a site's share, are what this test reaches (FairSharesTest covers shares).
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().withBudgets(3, 4).with(b -> {
            b.maxVisitorsPerSite = 10;
            b.maxSocketsPerSite = 10;
        })))) {
            var site = server.createSite("Budgets");
            for (int i = 0; i < 3; i++) assertThat(server.track(site.publicKey(), "pageview", "v" + i).status()).isEqualTo(200);
            TestServer.Response full = server.track(site.publicKey(), "pageview", "v_new");
            assertThat(full.status()).isEqualTo(503);
            assertThat(full.headers().firstValue("Retry-After")).isPresent();
            assertThat(full.error()).contains("as many visitors");
            assertThat(server.track(site.publicKey(), "heartbeat", "v0").status()).as("a known visitor").isEqualTo(200);

            List<TestServer.Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    TestServer.Socket s = server.visitor(site.publicKey(), "v" + (i % 3));
                    s.next("CONNECTED");
                    open.add(s);
                }
                assertThat(server.refusedUpgrade("/ws/dashboard?apiKey=" + site.secretKey())).isEqualTo(503);
                for (TestServer.Socket s : open) {
                    long asked = System.currentTimeMillis();
                    s.send("{\"type\":\"PING\"}");
                    assertThat(s.next("PONG").getLong("timestamp")).as("an answer to this ping").isGreaterThanOrEqualTo(asked);
                }
            } finally {
                open.forEach(TestServer.Socket::close);
            }
            TestServer.eventually("a socket's place given back", Duration.ofSeconds(5), () -> {
                try (TestServer.Socket d = server.dashboard(site.secretKey())) {
                    return d.next("INITIAL_VISITORS") != null;
                } catch (RuntimeException stillFull) {
                    return false;
                }
            });
        }
    }
}
