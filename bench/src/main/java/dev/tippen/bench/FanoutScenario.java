package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code fanout}: D dashboards on one site, page views at a fixed rate. For every acknowledged
 * event, each dashboard must receive its VISITOR_UPDATE: the time from when the POST was due to
 * the update's arrival is recorded per dashboard, and every update that never arrives is a miss,
 * unless a VISITOR_LIST the dashboard got shows the visitor at that event or a later one: then the
 * update was left out for a dashboard that fell behind, and the list carried it (conflated).
 * The POST's own answer is timed from the same moment ({@code ack_*}): an update goes out once its
 * event is durable, so the two apart are what the fan-out itself adds.
 */
final class FanoutScenario {
    private static final int ACKED = 1;
    private static final int REFUSED = 2;
    /** Page views go to this many visitors in turn, so a visitor's events are every VISITORS-th. */
    private static final int VISITORS = 1000;
    private static final String LIST = "{\"type\":\"VISITOR_LIST\"";

    private FanoutScenario() {
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int dashboards, int rate, int warmupSeconds,
                                   int seconds) throws Exception {
        return run(vertx, server, server, dashboards, rate, warmupSeconds, seconds, "");
    }

    /** As the console connects: removals, the first list in parts, visitors without trails. */
    static final String CONSOLE = "&removals=true&parts=true&trails=false";

    static Map<String, Object> run(Vertx vertx, ChildServer server, ChildServer watched, int dashboards, int rate,
                                   int warmupSeconds, int seconds) throws Exception {
        return run(vertx, server, watched, dashboards, rate, warmupSeconds, seconds, "");
    }

    /**
     * Page views posted to {@code server}, dashboards held on {@code watched}: another node of the same
     * cluster measures the cross-node path (Redis script, Pub/Sub, the other node's sockets).
     */
    static Map<String, Object> run(Vertx vertx, ChildServer server, ChildServer watched, int dashboards, int rate,
                                   int warmupSeconds, int seconds, String dashboardQuery) throws Exception {
        Pacer pacer = Pacer.of(rate, warmupSeconds, seconds);
        int base = pacer.warmup(); // on the wire, seq + base: warm-up events carry numbers below base
        AtomicIntegerArray outcome = new AtomicIntegerArray(pacer.total);
        Latencies latencies = new Latencies();
        Latencies acks = new Latencies(); // due to 200: what the tracking path takes before any fan-out
        LongAdder delivered = new LongAdder();
        LongAdder duplicates = new LongAdder();
        List<BitSet> seen = new ArrayList<>();
        List<int[]> listed = new ArrayList<>(); // per dashboard and visitor: the latest event a list showed
        WebSocketClient sockets = Load.sockets(vertx, null, dashboards);
        List<WebSocket> open = new ArrayList<>();
        for (int d = 0; d < dashboards; d++) {
            BitSet received = new BitSet(pacer.total);
            seen.add(received);
            int[] latest = new int[VISITORS];
            Arrays.fill(latest, -1);
            listed.add(latest);
            open.add(await(Load.open(sockets, watched.port(), "/ws/dashboard?apiKey=" + server.secretKey + dashboardQuery, m -> {
                if (m.startsWith(LIST)) {
                    synchronized (received) {
                        listedUpTo(m, base, latest);
                    }
                    return;
                }
                int seq = Load.seq(m, "VISITOR_UPDATE") - base;
                if (seq < 0 || seq >= pacer.total) return;
                latencies.recordNanos(System.nanoTime() - pacer.dueNanos(seq));
                synchronized (received) {
                    if (received.get(seq)) duplicates.increment();
                    received.set(seq);
                }
                delivered.increment();
            })));
        }
        LongAdder closedEarly = new LongAdder();
        open.forEach(ws -> ws.closeHandler(v -> closedEarly.increment()));
        HttpClient client = Load.http(vertx, server.port(), 128);
        LongAdder answered = new LongAdder();
        // What each refused or failed POST got: its status, or the client's error.
        ConcurrentSkipListMap<String, LongAdder> refusals = new ConcurrentSkipListMap<>();
        long[] cpu0 = {0};
        server.settle();
        await(pacer.run(vertx, seq -> {
            if (seq == 0) cpu0[0] = server.cpuMillis();
            Load.post(client, "/track/visitor", server.publicKey, Load.track("pageview", "f_" + ((seq + base) % VISITORS), base + seq))
                    .onComplete(ar -> {
                        if (seq < 0) return;
                        if (ar.succeeded() && ar.result() == 200) acks.recordNanos(System.nanoTime() - pacer.dueNanos(seq));
                        outcome.set(seq, ar.succeeded() && ar.result() == 200 ? ACKED : REFUSED);
                        if (ar.failed() || ar.result() != 200) {
                            String why = ar.failed() ? ar.cause().getClass().getSimpleName() : Integer.toString(ar.result());
                            refusals.computeIfAbsent(why, k -> new LongAdder()).increment();
                        }
                        answered.increment();
                    });
        }));
        long serverCpu = server.cpuMillis() - cpu0[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (answered.sum() < pacer.total || delivered.sum() < expected(outcome) * dashboards)) {
            Thread.sleep(20);
        }
        long acked = expected(outcome);
        long missed = 0;
        long conflated = 0;
        for (int d = 0; d < dashboards; d++) {
            BitSet received = seen.get(d);
            int[] latest = listed.get(d);
            synchronized (received) {
                for (int seq = 0; seq < pacer.total; seq++) {
                    if (outcome.get(seq) != ACKED || received.get(seq)) continue;
                    if (seq <= latest[(seq + base) % VISITORS]) conflated++;
                    else missed++;
                }
            }
        }
        long closedBeforeEnd = closedEarly.sum();
        for (WebSocket ws : open) ws.close();
        client.close();
        sockets.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("dashboards", dashboards);
        r.put("dashboard_kind", dashboardQuery.isEmpty() ? "original" : "console");
        r.put("rate_per_s", rate);
        r.put("sent", pacer.total);
        r.put("acked", acked);
        r.put("refused_or_failed", pacer.total - acked);
        if (!refusals.isEmpty()) {
            Map<String, Long> why = new LinkedHashMap<>();
            refusals.forEach((k, n) -> why.put(k, n.sum()));
            r.put("refused_or_failed_by", why);
        }
        r.put("deliveries", delivered.sum());
        r.put("missed", missed);
        r.put("conflated", conflated);
        r.put("duplicates", duplicates.sum());
        r.put("dashboards_closed_early", closedBeforeEnd);
        r.putAll(latencies.summary("latency_"));
        r.putAll(acks.summary("ack_"));
        r.put("server_cpu_cores", Latencies.round(serverCpu / 1000.0 / seconds));
        return r;
    }

    /** Each bench visitor in a VISITOR_LIST at the event its current page names, as the latest shown. */
    private static void listedUpTo(String message, int base, int[] latest) {
        JsonArray visitors = new JsonObject(message).getJsonArray("visitors");
        if (visitors == null) return;
        for (Object o : visitors) {
            if (!(o instanceof JsonObject v)) continue;
            String id = v.getString("visitorId");
            int seq = Load.seqIn(v.getString("url")) - base;
            if (id == null || !id.startsWith("f_") || seq < 0) continue;
            try {
                int k = Integer.parseInt(id.substring(2));
                if (k >= 0 && k < VISITORS) latest[k] = Math.max(latest[k], seq);
            } catch (NumberFormatException other) {
                // not one of the bench's visitors
            }
        }
    }

    private static long expected(AtomicIntegerArray outcome) {
        long n = 0;
        for (int i = 0; i < outcome.length(); i++) if (outcome.get(i) == ACKED) n++;
        return n;
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
}
