package dev.tippen.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The worst latency in each tenth of a second of an open-loop run, by when requests were due, so a
 * tail can be laid beside the server's log: a p99 made of one long stall reads differently from one
 * made of many short ones. Bounded: one slot per window of the run.
 */
final class LatencyTimeline {
    private static final long WINDOW_NANOS = 100_000_000L;
    private final AtomicLongArray worstMicros;

    LatencyTimeline(int seconds) {
        this.worstMicros = new AtomicLongArray(seconds * 10 + 1);
    }

    /** {@code sinceStartNanos}: when the request was due, counted from the run's first due request. */
    void record(long sinceStartNanos, long latencyNanos) {
        int w = (int) Math.min(worstMicros.length() - 1, Math.max(0, sinceStartNanos / WINDOW_NANOS));
        long micros = latencyNanos / 1000;
        worstMicros.accumulateAndGet(w, micros, Math::max);
    }

    /**
     * The {@code n} worst windows: when they began (UTC, as the server logs) and their worst latency;
     * {@code startNanos} is the run's first due request on this clock.
     */
    Map<String, Object> worst(int n, long overMicros, long startNanos) {
        long startMillis = System.currentTimeMillis() - (System.nanoTime() - startNanos) / 1_000_000;
        List<Integer> windows = new ArrayList<>();
        for (int i = 0; i < worstMicros.length(); i++) windows.add(i);
        windows.sort(Comparator.comparingLong(worstMicros::get).reversed());
        Map<String, Object> m = new LinkedHashMap<>();
        int over = 0;
        for (int i = 0; i < worstMicros.length(); i++) if (worstMicros.get(i) > overMicros) over++;
        m.put("windows_over_" + overMicros / 1000 + "ms", over);
        List<String> worst = new ArrayList<>();
        for (int w : windows.subList(0, Math.min(n, windows.size()))) {
            if (worstMicros.get(w) == 0) break;
            worst.add(Instant.ofEpochMilli(startMillis + w * 100L) + " " + Latencies.round(worstMicros.get(w) / 1000.0) + "ms");
        }
        m.put("worst_windows", worst);
        return m;
    }
}
