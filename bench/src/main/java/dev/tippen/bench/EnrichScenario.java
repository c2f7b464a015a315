package dev.tippen.bench;

import dev.tippen.enrich.IpAddresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code enrich}: the same tracking load through a trusted proxy, each visitor with its own public
 * address and a real browser's User-Agent, against a server without IP data and one with the full
 * datasets: what enrichment costs end to end. {@code enrich-lookup}: the JMH figures per lookup and
 * the heap the loaded data takes.
 */
final class EnrichScenario {
    static final List<String> TRUST_LOOPBACK = List.of("--trusted-proxy=127.0.0.0/8");

    private EnrichScenario() {}

    /** One public address per visitor of the pool, fixed for the run, so the visitor keeps its address. */
    static String[] addresses(int visitors) {
        SplittableRandom r = new SplittableRandom(7);
        String[] out = new String[visitors];
        for (int k = 0; k < visitors; k++) {
            String ip;
            do {
                ip = r.nextInt(1, 224) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
            } while (!IpAddresses.isPublic(ip));
            out[k] = ip;
        }
        return out;
    }

    static Map<String, Object> track(Vertx vertx, ChildServer server, String[] addresses, int connections, int warmup,
                                     int seconds) throws Exception {
        return TrackScenario.saturate(vertx, server, connections, addresses.length, warmup, seconds, (client, key, n) -> {
            int v = ThreadLocalRandom.current().nextInt(addresses.length);
            String ua = EnrichBenchmark.AGENTS[v % 6]; // people only: bots would be kept off the dashboards
            Buffer body = Buffer.buffer("{\"event\":\"" + (n % 5 == 0 ? "pageview" : "heartbeat")
                    + "\",\"website\":\"bench.example\",\"visitor\":{\"visitorId\":\"v_" + v
                    + "\",\"url\":\"https://bench.example/" + n + "\",\"userAgent\":\"" + ua
                    + "\",\"timezone\":\"Europe/Berlin\"}}");
            return Load.postFrom(client, "/track/visitor", key, addresses[v], body);
        });
    }

    static Map<String, Object> lookups(Path dir, int warmupSeconds, int seconds) throws Exception {
        Options options = new OptionsBuilder()
                .include(EnrichBenchmark.class.getName())
                .param("dir", dir.toAbsolutePath().toString())
                .forks(1)
                .jvmArgs("-Xms1g", "-Xmx1g")
                .warmupIterations(Math.max(1, warmupSeconds)).warmupTime(TimeValue.seconds(1))
                .measurementIterations(Math.max(3, seconds / 2)).measurementTime(TimeValue.seconds(1))
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Object> r = new LinkedHashMap<>();
        double baseline = Double.NaN;
        List<Object[]> rows = new ArrayList<>();
        for (RunResult rr : results) {
            String name = rr.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            double ns = rr.getPrimaryResult().getScore();
            double err = rr.getPrimaryResult().getScoreError();
            if (name.equals("addressParseOnly")) baseline = ns;
            rows.add(new Object[] {name, ns, err});
        }
        for (Object[] row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ns_per_op", Latencies.round((double) row[1]));
            m.put("error_ns", Latencies.round((double) row[2]));
            m.put("ratio_to_address_parse", Latencies.round((double) row[1] / baseline));
            r.put((String) row[0], m);
        }
        long heap = EnrichBenchmark.heapBytesOf(dir);
        r.put("loaded_data_heap_mib", Latencies.round(heap / 1024.0 / 1024.0));
        return r;
    }
}
