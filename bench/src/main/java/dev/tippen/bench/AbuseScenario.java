package dev.tippen.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code abuse}: site A (and, for the last attack, site C) attacks with what its keys allow (its public key, as any web page shows it,
 * and for the console and API floods its secret key), one attack at a time, while site B tracks at a
 * steady rate. B's latency in each phase is reported beside B alone in the same server, with the
 * server's heap and open descriptors at the end of each phase and what the attack got through.
 * The server runs with its default limits: they are what is measured. Every attack is bounded in
 * count and time and aims at loopback only; the attackers use 127.0.0.2 to 127.0.0.13, B 127.0.0.1.
 */
final class AbuseScenario {
    private AbuseScenario() {
    }

    /** Default limits, but B's one address may send its steady rate. */
    static List<String> serveArgs() {
        return List.of("--track-limit-ip=2000/s:5000", "--ping-interval=30s");
    }

    private interface Attack {
        /** Runs until {@code until} (System.nanoTime), counting what it did into {@code counts}. */
        void run(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception;
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int rateB, int warmupSeconds, int seconds) throws Exception {
        String siteB = server.sites.get(1).publicKey();
        HttpClient clientB = Load.http(vertx, server.port(), 64);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("b_rate_per_s", rateB);
        Latencies alone = new Latencies();
        LongAdder errorsB = new LongAdder();
        FloodScenario.paced(vertx, clientB, siteB, rateB, warmupSeconds, seconds, alone, errorsB);
        r.putAll(alone.summary("alone_"));
        r.put("alone_heap_mb", heapMb(server));
        r.put("alone_descriptors", descriptors(server));
        r.put("alone_data_dir_mb", Latencies.round(server.dataBytes() / (double) (1 << 20)));
        Map<String, Attack> attacks = new LinkedHashMap<>();
        attacks.put("ping_flood", AbuseScenario::pingFlood);
        attacks.put("visitor_flood", (s, until, c) -> trackFlood(s, s.publicKey, until, c, 80, Integer.MAX_VALUE));
        attacks.put("socket_flood", AbuseScenario::socketFlood);
        attacks.put("idle_connections", AbuseScenario::idleConnections);
        attacks.put("range_overflow", AbuseScenario::rangeOverflow);
        attacks.put("sign_in_flood", AbuseScenario::signInFlood);
        attacks.put("get_visitors", AbuseScenario::getVisitors);
        // Last, from a third site's public key (A's share is full by now): 1,000 visitors' page views,
        // the address at its cap (2 KB) and every other field past its cap (512 characters, cut there).
        attacks.put("big_pages", (s, until, c) -> trackFlood(s, s.sites.get(2).publicKey(), until, c, 2_000, 1_000));
        for (Map.Entry<String, Attack> a : attacks.entrySet()) {
            String name = a.getKey();
            Map<String, LongAdder> counts = new java.util.TreeMap<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds + seconds + 2L);
            Thread attacker = new Thread(() -> {
                try {
                    a.getValue().run(server, until, counts);
                } catch (Exception e) {
                    count(counts, "attack_failed");
                    System.err.println("bench abuse: " + name + ": " + e);
                }
            }, "abuse-" + name);
            attacker.start();
            Thread.sleep(1_000);
            Latencies during = new Latencies();
            FloodScenario.paced(vertx, clientB, siteB, rateB, warmupSeconds, seconds, during, errorsB);
            r.putAll(during.summary(name + "_"));
            r.put(name + "_b_p99_ratio_to_alone", Latencies.round(during.percentileMillis(99) / alone.percentileMillis(99)));
            r.put(name + "_heap_mb", heapMb(server));
            r.put(name + "_descriptors", descriptors(server));
            r.put(name + "_data_dir_mb", Latencies.round(server.dataBytes() / (double) (1 << 20)));
            attacker.join(TimeUnit.SECONDS.toMillis(seconds + 60L));
            Map<String, Long> got = new java.util.TreeMap<>();
            synchronized (counts) {
                counts.forEach((k, v) -> got.put(k, v.sum()));
            }
            r.put(name + "_attack", got);
            r.put(name + "_server_ready", server.ready());
        }
        r.put("b_errors", errorsB.sum());
        clientB.close();
        return r;
    }

    private static void count(Map<String, LongAdder> counts, String what) {
        synchronized (counts) {
            counts.computeIfAbsent(what, k -> new LongAdder()).increment();
        }
    }

    private static String attacker(int n) {
        return "127.0.0." + (2 + n);
    }

    // ---- 1. WebSocket PINGs, never reading the PONGs -------------------------------------------------

    private static void pingFlood(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String from = attacker(t);
            Thread th = new Thread(() -> {
                byte[] burst = pings(500);
                while (System.nanoTime() < until) {
                    try (Socket s = new Socket()) {
                        s.setReceiveBufferSize(4096);
                        s.bind(new InetSocketAddress(from, 0));
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                        OutputStream out = s.getOutputStream();
                        out.write(("GET /ws/visitor?apiKey=" + server.publicKey + "&visitorId=pinger HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        count(counts, "sockets_opened");
                        while (System.nanoTime() < until) {
                            out.write(burst);
                            count(counts, "ping_bursts_of_500");
                        }
                    } catch (IOException e) {
                        count(counts, "cut_off");
                        sleepQuietly(50);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join();
    }

    private static byte[] pings(int n) {
        byte[] one = new byte[2 + 4 + 125];
        one[0] = (byte) 0x89;
        one[1] = (byte) (0x80 | 125);
        // A random mask; the payload is zeros, so masked it is the mask repeated.
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, one, 2, 4);
        for (int i = 0; i < 125; i++) one[6 + i] = mask[i % 4];
        byte[] all = new byte[one.length * n];
        for (int i = 0; i < n; i++) System.arraycopy(one, 0, all, i * one.length, one.length);
        return all;
    }

    // ---- 2 and 5. page views as fast as the limits let through: new visitors, or pages of maximum size --

    /** {@code visitors}: how many ids the page views cycle over (each a new visitor when it is past the count). */
    private static void trackFlood(ChildServer server, String key, long until, Map<String, LongAdder> counts, int fieldChars,
                                   int visitors) throws Exception {
        Vertx own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            List<HttpClient> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) clients.add(client(own, server, attacker(t)));
            String filler = "x".repeat(fieldChars);
            LongAdder inFlight = new LongAdder();
            int seq = 0;
            while (System.nanoTime() < until) {
                if (inFlight.sum() > 200) {
                    sleepQuietly(1);
                    continue;
                }
                String id = visitors == Integer.MAX_VALUE ? "a_" + seq + "_" + ThreadLocalRandom.current().nextInt(1_000_000)
                        : "big_" + seq % visitors;
                Buffer body = Buffer.buffer("{\"event\":\"pageview\",\"website\":\"a.example\",\"visitor\":{\"visitorId\":\"" + id
                        + "\",\"url\":\"https://a.example/" + seq + "/" + filler + "\",\"title\":\"" + filler + "\",\"referrer\":\"https://r.example/"
                        + filler + "\",\"userAgent\":\"" + filler + "\"}}");
                inFlight.increment();
                Load.post(clients.get(seq++ % clients.size()), "/track/visitor", key, body).onComplete(ar -> {
                    inFlight.decrement();
                    count(counts, ar.succeeded() ? "status_" + ar.result() : "failed");
                });
            }
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    // ---- 3. visitor sockets, as many as the limits let open -------------------------------------------

    private static void socketFlood(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception {
        Vertx own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        List<WebSocket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<WebSocketClient> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) clients.add(Load.sockets(own, attacker(t), 20_000));
            LongAdder inFlight = new LongAdder();
            for (int i = 0; i < 12_000 && System.nanoTime() < until; i++) {
                while (inFlight.sum() > 200 && System.nanoTime() < until) sleepQuietly(1);
                inFlight.increment();
                Load.open(clients.get(i % clients.size()), server.port(), "/ws/visitor?apiKey=" + server.publicKey + "&visitorId=s_" + i, m -> { })
                        .onComplete(ar -> {
                            inFlight.decrement();
                            if (ar.succeeded()) open.add(ar.result());
                            count(counts, ar.succeeded() ? "opened" : "refused");
                        });
            }
            while (System.nanoTime() < until) sleepQuietly(50);
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    // ---- 4. idle TCP connections that say nothing ----------------------------------------------------

    private static void idleConnections(ChildServer server, long until, Map<String, LongAdder> counts) {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 8_000 && System.nanoTime() < until; i++) {
                Socket s = new Socket();
                try {
                    s.bind(new InetSocketAddress(attacker(4 + i % 8), 0));
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
                    held.add(s);
                    count(counts, "connected");
                } catch (IOException e) {
                    count(counts, "refused");
                    closeQuietly(s);
                }
            }
            while (System.nanoTime() < until) sleepQuietly(50);
            int closedByServer = 0;
            for (Socket s : held) {
                try {
                    s.setSoTimeout(1);
                    if (s.getInputStream().read() < 0) closedByServer++;
                } catch (IOException e) {
                    if (!(e instanceof java.net.SocketTimeoutException)) closedByServer++;
                }
            }
            for (int i = 0; i < closedByServer; i++) count(counts, "closed_by_server");
        } finally {
            held.forEach(AbuseScenario::closeQuietly);
        }
    }

    // ---- 6. report ranges that once overflowed -------------------------------------------------------

    private static void rangeOverflow(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception {
        String uri = "/api/reports/companies?from=-147000000-01-01T00:00:00Z&to=%2B147000000-01-01T00:00:00Z";
        apiLoop(server, until, counts, 200, c -> c.request(HttpMethod.GET, uri).compose(req -> {
            req.putHeader("Authorization", "Bearer " + server.secretKey);
            return req.send();
        }));
    }

    // ---- 7. console sign-in with wrong keys ----------------------------------------------------------

    private static void signInFlood(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception {
        String origin = "http://127.0.0.1:" + server.port();
        apiLoop(server, until, counts, 500, c -> c.request(HttpMethod.POST, "/console/session").compose(req -> {
            req.putHeader("Origin", origin).putHeader("Content-Type", "application/json");
            return req.send("{\"secretKey\":\"sk_wrong_" + ThreadLocalRandom.current().nextLong() + "\"}");
        }));
    }

    private static void apiLoop(ChildServer server, long until, Map<String, LongAdder> counts, int perSecond,
                                java.util.function.Function<HttpClient, io.vertx.core.Future<io.vertx.core.http.HttpClientResponse>> request)
            throws Exception {
        Vertx own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            List<HttpClient> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) clients.add(client(own, server, attacker(t)));
            long started = System.nanoTime();
            long sent = 0;
            while (System.nanoTime() < until) {
                long due = (System.nanoTime() - started) * perSecond / 1_000_000_000L;
                while (sent < due) {
                    request.apply(clients.get((int) (sent++ % clients.size())))
                            .compose(resp -> resp.body().map(b -> resp.statusCode()))
                            .onComplete(ar -> count(counts, ar.succeeded() ? "status_" + ar.result() : "failed"));
                }
                sleepQuietly(5);
            }
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    // ---- 8. GET_VISITORS from four dashboards, as fast as they can send it -----------------------------

    private static void getVisitors(ChildServer server, long until, Map<String, LongAdder> counts) throws Exception {
        Vertx own = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            WebSocketClient client = Load.sockets(own, attacker(0), 16);
            LongAdder bytes = new LongAdder();
            List<WebSocket> dashboards = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                dashboards.add(Load.open(client, server.port(), "/ws/dashboard?apiKey=" + server.secretKey, m -> {
                    bytes.add(m.length());
                    count(counts, "messages_received");
                }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            }
            while (System.nanoTime() < until) {
                for (WebSocket ws : dashboards) {
                    if (!ws.isClosed()) ws.writeTextMessage("{\"type\":\"GET_VISITORS\"}");
                    count(counts, "asked");
                }
                sleepQuietly(2);
            }
            synchronized (counts) {
                counts.computeIfAbsent("bytes_received", k -> new LongAdder()).add(bytes.sum());
            }
        } finally {
            own.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static HttpClient client(Vertx vertx, ChildServer server, String localAddress) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port())
                .setKeepAlive(true).setLocalAddress(localAddress), new PoolOptions().setHttp1MaxSize(16).setMaxWaitQueueSize(2_000));
    }

    private static double heapMb(ChildServer server) {
        try {
            for (String line : server.metrics().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"}")) {
                    return Latencies.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) / (1 << 20));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static long descriptors(ChildServer server) {
        try (var files = Files.list(Path.of("/proc/" + server.pid() + "/fd"))) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
