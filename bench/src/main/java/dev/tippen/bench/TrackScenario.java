package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code track}: durable POST /track/visitor for one site, visitor ids drawn from a pool, one page
 * view per four heartbeats. First closed-loop (each connection sends its next request when the
 * last is answered) for the saturation rate, then open-loop at half that rate for latency.
 */
final class TrackScenario {
    private TrackScenario() {
    }

    /** Sends the {@code n}th request of one connection; answers with the status. */
    interface Sender {
        Future<Integer> send(HttpClient client, String key, int n);
    }

    static Map<String, Object> saturate(Vertx vertx, ChildServer server, int connections, int visitors, int warmupSeconds,
                                        int seconds) throws Exception {
        return saturate(vertx, server, connections, visitors, warmupSeconds, seconds,
                (client, key, n) -> Load.post(client, "/track/visitor", key, body(n, visitors)));
    }

    static Map<String, Object> saturate(Vertx vertx, ChildServer server, int connections, int visitors, int warmupSeconds,
                                        int seconds, Sender sender) throws Exception {
        HttpClient client = Load.http(vertx, server.port(), connections);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        Latencies latencies = new Latencies();
        long measureFrom = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        Promise<Void> all = Promise.promise();
        LongAdder running = new LongAdder();
        running.add(connections);
        for (int c = 0; c < connections; c++) loop(client, server.publicKey, sender, measureFrom, end, ok, failed, latencies, running, all, 0);
        Future<Void> done = all.future();
        sleepUntil(measureFrom);
        long cpuAtMeasure = server.cpuMillis();
        done.toCompletionStage().toCompletableFuture().get(seconds + warmupSeconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
        long serverCpu = server.cpuMillis() - cpuAtMeasure;
        client.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("connections", connections);
        r.put("visitor_pool", visitors);
        r.put("requests_per_s", Math.round(ok.sum() / (double) seconds));
        r.put("errors", failed.sum());
        r.putAll(latencies.summary("latency_"));
        r.put("server_cpu_cores", Latencies.round(serverCpu / 1000.0 / seconds));
        return r;
    }

    /** Tracks every visitor of the pool once, so the measured run starts on a full site. */
    static void preload(Vertx vertx, ChildServer server, int visitors) throws Exception {
        HttpClient client = Load.http(vertx, server.port(), 50);
        Load.closedLoop(visitors, 50, n -> Load.post(client, "/track/visitor", server.publicKey,
                Load.track("pageview", "v_" + n, n))).toCompletionStage().toCompletableFuture().get(600, java.util.concurrent.TimeUnit.SECONDS);
        client.close();
    }

    /**
     * Half-rate latency: requests at a fixed rate, each timed from when it was due. The first
     * warm-up seconds of the same schedule are not measured, so connections are open and code warm.
     */
    static Map<String, Object> paced(Vertx vertx, ChildServer server, int rate, int visitors, int warmupSeconds,
                                     int seconds) throws Exception {
        return paced(vertx, server, rate, visitors, warmupSeconds, seconds, "v_");
    }

    /** {@code idPrefix}: the visitors' ids start with it, so a run can bring visitors never seen before. */
    static Map<String, Object> paced(Vertx vertx, ChildServer server, int rate, int visitors, int warmupSeconds,
                                     int seconds, String idPrefix) throws Exception {
        HttpClient client = Load.http(vertx, server.port(), 256);
        Latencies latencies = new Latencies();
        LatencyTimeline timeline = new LatencyTimeline(seconds);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder answered = new LongAdder();
        Pacer pacer = Pacer.of(rate, warmupSeconds, seconds);
        server.settle();
        Future<Void> sending = pacer.run(vertx, seq -> {
            long due = pacer.dueNanos(seq);
            Load.post(client, "/track/visitor", server.publicKey, body(seq + pacer.warmup(), visitors, idPrefix)).onComplete(ar -> {
                if (seq < 0) return;
                if (ar.succeeded() && ar.result() == 200) {
                    ok.increment();
                    long latency = System.nanoTime() - due;
                    latencies.recordNanos(latency);
                    timeline.record(due - pacer.dueNanos(0), latency);
                } else {
                    failed.increment();
                }
                answered.increment();
            });
        });
        sleepUntil(pacer.dueNanos(0));
        String atMeasure = server.metrics(); // as the measured seconds begin: the warm-up left out
        sending.toCompletionStage().toCompletableFuture().get(warmupSeconds + seconds + 30L, java.util.concurrent.TimeUnit.SECONDS);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (answered.sum() < pacer.total && System.nanoTime() < deadline) Thread.sleep(10);
        client.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate_per_s", rate);
        r.put("sent", pacer.total);
        r.put("ok", ok.sum());
        r.put("errors", failed.sum() + (pacer.total - answered.sum()));
        r.putAll(latencies.summary("latency_"));
        r.putAll(timeline.worst(5, 10_000, pacer.dueNanos(0)));
        r.putAll(ServerTimes.between(atMeasure, server.metrics()));
        return r;
    }

    private static void loop(HttpClient client, String key, Sender sender, long measureFrom, long end, LongAdder ok,
                             LongAdder failed, Latencies latencies, LongAdder running, Promise<Void> all, int n) {
        long start = System.nanoTime();
        if (start >= end) {
            running.decrement();
            if (running.sum() == 0) all.tryComplete();
            return;
        }
        sender.send(client, key, n).onComplete(ar -> {
            long now = System.nanoTime();
            if (start >= measureFrom && now < end) {
                if (ar.succeeded() && ar.result() == 200) {
                    ok.increment();
                    latencies.recordNanos(now - start);
                } else {
                    failed.increment();
                }
            }
            loop(client, key, sender, measureFrom, end, ok, failed, latencies, running, all, n + 1);
        });
    }

    private static io.vertx.core.buffer.Buffer body(int n, int visitors) {
        return body(n, visitors, "v_");
    }

    private static io.vertx.core.buffer.Buffer body(int n, int visitors, String idPrefix) {
        String id = idPrefix + ThreadLocalRandom.current().nextInt(visitors);
        return Load.track(n % 5 == 0 ? "pageview" : "heartbeat", id, n);
    }

    /** Sleeps this (non-event-loop) thread until {@code atNanos} on {@link System#nanoTime}. */
    private static void sleepUntil(long atNanos) throws InterruptedException {
        long ms = (atNanos - System.nanoTime()) / 1_000_000;
        if (ms > 0) Thread.sleep(ms);
    }
}
