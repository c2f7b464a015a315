package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code idle}: N visitor sockets that say nothing. What each costs the server: growth of its
 * resident memory and of its live heap (both after a full collection, so garbage is not counted),
 * and the CPU the server burns while they sit there.
 */
final class IdleScenario {
    static final long SETTLE_MILLIS = 30_000;

    private IdleScenario() {
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int count, int idleSeconds, boolean histogram)
            throws Exception {
        Thread.sleep(1000);
        server.collectGarbage();
        long rss0 = server.rssBytes();
        double heap0 = server.metric("jvm_memory_used_bytes{area=\"heap\"}");
        long t0 = System.nanoTime();
        VisitorSockets sockets = VisitorSockets.open(vertx, server, count, "idle_", id -> Future.succeededFuture(), m -> { });
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        // Idle means after the opening: the collector is done with it by then. The compiler is not (reported apart).
        Thread.sleep(SETTLE_MILLIS);
        long cpu0 = server.cpuMillis();
        long jit0 = server.compilerCpuMillis();
        Thread.sleep(idleSeconds * 1000L);
        long idleCpu = server.cpuMillis() - cpu0;
        long jitCpu = server.compilerCpuMillis() - jit0;
        server.collectGarbage();
        Thread.sleep(500);
        long rss1 = server.rssBytes();
        double heap1 = server.metric("jvm_memory_used_bytes{area=\"heap\"}");
        double direct = server.metric("tippen_netty_direct_memory_bytes");
        int opened = sockets.opened();
        if (histogram) System.out.println("-- heap by class with " + opened + " idle sockets:\n" + server.classHistogram(25));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sockets", opened);
        r.put("failed", sockets.failed());
        r.put("open_seconds", Latencies.round(openSeconds));
        r.put("rss_before_mb", mb(rss0));
        r.put("rss_after_mb", mb(rss1));
        r.put("rss_per_socket_kib", opened == 0 ? 0 : Latencies.round((rss1 - rss0) / 1024.0 / opened));
        if (heap0 >= 0 && heap1 >= 0) r.put("live_heap_per_socket_kib", Latencies.round((heap1 - heap0) / 1024.0 / opened));
        if (direct >= 0) r.put("netty_direct_mb", mb((long) direct));
        r.put("idle_cpu_percent_of_one_core", Latencies.round(100.0 * idleCpu / (idleSeconds * 1000.0)));
        // Of which the JIT compiler: code that runs once a second reaches its thresholds minutes after start.
        r.put("idle_cpu_jit_percent_of_one_core", Latencies.round(100.0 * jitCpu / (idleSeconds * 1000.0)));
        sockets.close();
        return r;
    }

    private static double mb(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }
}
