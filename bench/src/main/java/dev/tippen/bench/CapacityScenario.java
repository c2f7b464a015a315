package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a default launch holds: the server started as the launcher starts it (its JVM options, no
 * serve option at all) with ten sites, then typical visitors tracked, two page views each, and then some of them
 * holding the served tracker's socket. The load comes from many loopback addresses so that the
 * per-address abuse limits, left at their defaults too, see what many real visitors would look like.
 * Every status is counted: the target is no 503 and a server still up.
 */
final class CapacityScenario {
    /** The launcher's JVM options (the {@code tippen} script): the heap is half the machine's memory. */
    static final List<String> LAUNCHER_JVM = List.of("-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError", "-Xss512k");
    /** Page views per address, each address taking its turn: under the default per-address rate (100/s), bursts included. */
    private static final int VIEWS_PER_ADDRESS = 2_000;
    /** Sockets per address: under the default --sockets-per-ip (1,000) and upgrade burst (1,000). */
    private static final int SOCKETS_PER_ADDRESS = 950;
    private static final int IN_FLIGHT = 256;
    static final int SITES = 10;

    private CapacityScenario() {}

    static Map<String, Object> run(Vertx vertx, ChildServer server, int visitors, int sockets) throws Exception {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, LongAdder> statuses = new ConcurrentHashMap<>();
        int views = visitors * 2;
        List<HttpClient> clients = new ArrayList<>();
        for (int a = 0; a * VIEWS_PER_ADDRESS < views; a++) {
            clients.add(vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port())
                    .setKeepAlive(true).setTcpNoDelay(true).setLocalAddress(address(1, a)), new PoolOptions().setHttp1MaxSize(2)));
        }
        long started = System.nanoTime();
        // Each visitor's first page, then its second: the second finds the visitor live and grows its trail.
        Load.bounded(vertx, views, IN_FLIGHT, i -> {
            int visitor = i % visitors;
            Buffer body = view("c_" + visitor, i / visitors);
            return Load.post(clients.get(i % clients.size()), "/track/visitor", key(server, visitor), body).transform(ar -> {
                count(statuses, ar.succeeded() ? "status_" + ar.result() : "failed");
                return Future.<Void>succeededFuture();
            });
        });
        double trackSeconds = (System.nanoTime() - started) / 1e9;
        for (HttpClient c : clients) c.close();
        r.put("visitors", visitors);
        r.put("page_views", views);
        r.put("track_seconds", Latencies.round(trackSeconds));
        r.put("track_statuses", counts(statuses));
        r.put("live_visitors", (long) server.metric("tippen_live_visitors"));
        r.put("visitor_memory_mb", Latencies.round(server.metric("tippen_visitor_memory_bytes") / (1 << 20)));
        r.put("visitor_memory_budget_mb", Latencies.round(server.metric("tippen_visitor_memory_budget_bytes") / (1 << 20)));

        List<WebSocketClient> socketClients = new ArrayList<>();
        for (int a = 0; a * SOCKETS_PER_ADDRESS < sockets; a++) socketClients.add(Load.sockets(vertx, address(2, a), SOCKETS_PER_ADDRESS));
        ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
        Map<String, LongAdder> upgrades = new ConcurrentHashMap<>();
        started = System.nanoTime();
        Load.bounded(vertx, sockets, IN_FLIGHT, i -> Load.open(socketClients.get(i % socketClients.size()), server.port(),
                "/ws/visitor?apiKey=" + key(server, i) + "&visitorId=c_" + i, m -> { }).transform(ar -> {
                    if (ar.succeeded()) open.add(ar.result());
                    count(upgrades, ar.succeeded() ? "opened"
                            : ar.cause() instanceof UpgradeRejectedException u ? "status_" + u.getStatus() : "failed");
                    return Future.<Void>succeededFuture();
                }));
        r.put("sockets", sockets);
        r.put("socket_open_seconds", Latencies.round((System.nanoTime() - started) / 1e9));
        r.put("socket_results", counts(upgrades));
        Thread.sleep(3_000);
        r.put("open_sockets", (long) server.metric("tippen_open_sockets{kind=\"visitor\"}"));
        r.put("heap_used_mb", Latencies.round(server.metric("jvm_memory_used_bytes{area=\"heap\"}") / (1 << 20)));
        r.put("heap_max_mb", Latencies.round(server.metric("jvm_memory_max_bytes{area=\"heap\"}") / (1 << 20)));
        r.put("rss_mb", server.rssBytes() >> 20);
        r.put("server_up", server.ready());
        for (WebSocketClient c : socketClients) c.close();
        return r;
    }

    /** The visitors are spread over the server's sites: one site's default tracking limit is 5,000 events/s. */
    private static String key(ChildServer server, int visitor) {
        return server.sites.get(visitor % server.sites.size()).publicKey();
    }

    /** 127.{block}.x.y: a distinct loopback source address for each {@code n}. */
    private static String address(int block, int n) {
        return "127." + block + "." + (n / 250) + "." + (n % 250 + 1);
    }

    private static Buffer view(String visitorId, int page) {
        return Buffer.buffer("{\"event\":\"pageview\",\"website\":\"shop.example\",\"visitor\":{\"visitorId\":\"" + visitorId
                + "\",\"url\":\"https://shop.example/products/winter-jackets/alpine-" + page + "?utm_source=newsletter\","
                + "\"referrer\":\"https://www.google.com/\",\"title\":\"Alpine Jacket " + page + " | Shop Example\","
                + "\"userAgent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\","
                + "\"screenResolution\":\"1920x1080\",\"language\":\"en-US\",\"timezone\":\"Europe/Berlin\","
                + "\"timestamp\":\"2026-12-06T10:15:30.123Z\",\"pageLoadId\":\"pl_" + visitorId + "_" + page + "\"}}");
    }

    private static void count(Map<String, LongAdder> counts, String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    private static Map<String, Long> counts(Map<String, LongAdder> adders) {
        Map<String, Long> out = new java.util.TreeMap<>();
        adders.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
