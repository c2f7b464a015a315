package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code flood}: site A sends ten times its tracking limit while site B tracks at an ordinary rate.
 * B's latency is measured three times in the same server: alone, while A sends exactly its limit,
 * and under A's flood. The ratios of the p99s are what the flood costs B. A is answered 429 for
 * what is over its limit.
 */
final class FloodScenario {
    private FloodScenario() {
    }

    /** Serve options: a per-site limit to flood; per-address limits off, since all load has one address. */
    static java.util.List<String> serveArgs(int siteLimit) {
        return java.util.List.of("--track-limit-site=" + siteLimit + "/s:" + siteLimit, "--track-limit-ip=off",
                "--upgrade-limit-ip=off", "--sockets-per-ip=0", "--invite-limit-site=off", "--connections-per-ip=0");
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int siteLimit, int rateB, int warmupSeconds,
                                   int seconds) throws Exception {
        String siteA = server.sites.get(0).publicKey();
        String siteB = server.sites.get(1).publicKey();
        // A floods from a Vert.x of its own: sharing B's client event loop would time the client, not the server.
        Vertx floodVertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
        HttpClient clientB = Load.http(vertx, server.port(), 64);
        HttpClient clientA = Load.http(floodVertx, server.port(), 128);
        Latencies alone = new Latencies();
        LongAdder errorsB = new LongAdder();
        paced(vertx, clientB, siteB, rateB, warmupSeconds, seconds, alone, errorsB);

        // A at exactly its limit: what the operator allowed A, so what B pays for A's legitimate traffic.
        Latencies atLimit = new Latencies();
        Future<Void> behaving = Pacer.of(siteLimit, warmupSeconds + seconds + 2).run(floodVertx, seq ->
                Load.post(clientA, "/track/visitor", siteA, Load.track("heartbeat", "a_" + (seq % 1000), seq)));
        Thread.sleep(1000);
        paced(vertx, clientB, siteB, rateB, warmupSeconds, seconds, atLimit, errorsB);
        behaving.toCompletionStage().toCompletableFuture().get(seconds + 30L, TimeUnit.SECONDS);

        LongAdder acceptedA = new LongAdder();
        LongAdder limitedA = new LongAdder();
        int floodRate = siteLimit * 10;
        Pacer flood = Pacer.of(floodRate, warmupSeconds + seconds + 2);
        Future<Void> flooding = flood.run(floodVertx, seq -> Load.post(clientA, "/track/visitor", siteA,
                        Load.track("heartbeat", "a_" + (seq % 1000), seq))
                .onSuccess(status -> {
                    if (status == 200) acceptedA.increment();
                    else if (status == 429) limitedA.increment();
                }));
        Thread.sleep(1000); // the flood is under way before B is measured again
        Latencies flooded = new Latencies();
        paced(vertx, clientB, siteB, rateB, warmupSeconds, seconds, flooded, errorsB);
        flooding.toCompletionStage().toCompletableFuture().get(seconds + 30L, TimeUnit.SECONDS);
        Thread.sleep(500);
        clientA.close();
        clientB.close();
        floodVertx.close();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("site_limit_per_s", siteLimit);
        r.put("flood_rate_per_s", floodRate);
        r.put("flood_accepted", acceptedA.sum());
        r.put("flood_refused_429", limitedA.sum());
        r.put("b_rate_per_s", rateB);
        r.put("b_errors", errorsB.sum());
        r.putAll(alone.summary("b_alone_"));
        r.putAll(atLimit.summary("b_a_at_limit_"));
        r.putAll(flooded.summary("b_flooded_"));
        r.put("b_p99_ratio_flooded_to_alone", Latencies.round(flooded.percentileMillis(99) / alone.percentileMillis(99)));
        r.put("b_p99_ratio_flooded_to_a_at_limit", Latencies.round(flooded.percentileMillis(99) / atLimit.percentileMillis(99)));
        return r;
    }

    /** B's steady traffic: open-loop, latency from when each request was due, after an unmeasured warm-up. */
    static void paced(Vertx vertx, HttpClient client, String key, int rate, int warmupSeconds, int seconds,
                              Latencies latencies, LongAdder errors) throws Exception {
        Pacer pacer = Pacer.of(rate, warmupSeconds, seconds);
        LongAdder answered = new LongAdder();
        pacer.run(vertx, seq -> {
            long due = pacer.dueNanos(seq);
            int wire = seq + pacer.warmup();
            Load.post(client, "/track/visitor", key, Load.track(wire % 5 == 0 ? "pageview" : "heartbeat", "b_" + (wire % 2000), wire))
                    .onComplete(ar -> {
                        if (seq < 0) return;
                        if (ar.succeeded() && ar.result() == 200) latencies.recordNanos(System.nanoTime() - due);
                        else errors.increment();
                        answered.increment();
                    });
        }).toCompletionStage().toCompletableFuture().get(warmupSeconds + seconds + 30L, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (answered.sum() < pacer.total && System.nanoTime() < deadline) Thread.sleep(10);
    }
}
