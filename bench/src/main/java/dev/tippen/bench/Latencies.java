package dev.tippen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;

/** Latencies recorded from any client thread, in microseconds, summarised in milliseconds. */
final class Latencies {
    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, nanos / 1000));
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMillis(double p) {
        return histogram.getValueAtPercentile(p) / 1000.0;
    }

    double maxMillis() {
        return histogram.getMaxValue() / 1000.0;
    }

    /** p50, p99, p999 and max, under the given prefix (e.g. {@code latency_} gives {@code latency_p99_ms}). */
    Map<String, Object> summary(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(prefix + "p50_ms", round(percentileMillis(50)));
        m.put(prefix + "p99_ms", round(percentileMillis(99)));
        m.put(prefix + "p999_ms", round(percentileMillis(99.9)));
        m.put(prefix + "max_ms", round(maxMillis()));
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
