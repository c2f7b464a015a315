package dev.tippen.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code invite}: V visitors tracked and holding their sockets, then invites at a fixed rate to
 * random visitors: the time from when the POST was due to the VIDEO_INVITE arriving on the socket.
 */
final class InviteScenario {
    private InviteScenario() {
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int visitors, int rate, int warmupSeconds,
                                   int seconds) throws Exception {
        HttpClient client = Load.http(vertx, server.port(), 64);
        Pacer pacer = Pacer.of(rate, warmupSeconds, seconds);
        int base = pacer.warmup(); // on the wire, seq + base: warm-up invites carry numbers below base
        AtomicIntegerArray acked = new AtomicIntegerArray(pacer.total);
        AtomicIntegerArray received = new AtomicIntegerArray(pacer.total);
        Latencies latencies = new Latencies();
        LongAdder answered = new LongAdder();
        VisitorSockets sockets = VisitorSockets.open(vertx, server, visitors, "i_",
                id -> Load.post(client, "/track/visitor", server.publicKey, Load.track("pageview", id, 0)).mapEmpty(),
                m -> {
                    int n = Load.seq(m, "VIDEO_INVITE") - base;
                    if (n < 0 || n >= pacer.total) return;
                    if (received.getAndIncrement(n) == 0) latencies.recordNanos(System.nanoTime() - pacer.dueNanos(n));
                });
        long[] cpu0 = {0};
        server.settle();
        FanoutScenario.await(pacer.run(vertx, seq -> {
            if (seq == 0) cpu0[0] = server.cpuMillis();
            String id = "i_" + ThreadLocalRandom.current().nextInt(visitors);
            Load.post(client, "/api/send-video-invite", null, Load.invite(server.secretKey, id, base + seq)).onComplete(ar -> {
                if (seq < 0) return;
                if (ar.succeeded() && ar.result() == 200) acked.set(seq, 1);
                answered.increment();
            });
        }));
        long serverCpu = server.cpuMillis() - cpu0[0];
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && (answered.sum() < pacer.total || latencies.count() < count(acked))) {
            Thread.sleep(20);
        }
        long missed = 0;
        long duplicates = 0;
        for (int i = 0; i < pacer.total; i++) {
            if (acked.get(i) == 1 && received.get(i) == 0) missed++;
            if (received.get(i) > 1) duplicates += received.get(i) - 1;
        }
        int opened = sockets.opened();
        sockets.close();
        client.close();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("visitor_sockets", opened);
        r.put("rate_per_s", rate);
        r.put("sent", pacer.total);
        r.put("acked", count(acked));
        r.put("missed", missed);
        r.put("duplicates", duplicates);
        r.putAll(latencies.summary("latency_"));
        r.put("server_cpu_cores", Latencies.round(serverCpu / 1000.0 / seconds));
        return r;
    }

    static long count(AtomicIntegerArray flags) {
        long n = 0;
        for (int i = 0; i < flags.length(); i++) if (flags.get(i) != 0) n++;
        return n;
    }
}
