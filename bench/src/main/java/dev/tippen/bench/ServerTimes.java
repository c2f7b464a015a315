package dev.tippen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long the server itself took between two scrapes of /metrics, from two of its histograms:
 * {@code tippen_store_commit_seconds} (the share of a latency tail that storage explains) and
 * {@code tippen_track_seconds} (each tracking request from its arrival to its answer: what is left of
 * the client's tail once the server's own time is known is the machine's and the client's).
 */
final class ServerTimes {
    private static final double[] OVER = {0.005, 0.01, 0.05};

    private ServerTimes() {}

    /** Cumulative counts by upper bound in seconds (+Inf as infinity) of the histogram {@code name}. */
    static TreeMap<Double, Double> buckets(String metrics, String name) {
        String prefix = name + "_bucket{le=\"";
        TreeMap<Double, Double> b = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(prefix)) continue;
            int close = line.indexOf('"', prefix.length());
            String le = line.substring(prefix.length(), close);
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            b.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return b;
    }

    /**
     * Between the two scrapes: the commits, and the tracking requests answered 200; of each, how many
     * took the server longer than 5, 10 and 50 ms, and the bucket bound its 99th percentile lies under.
     */
    static Map<String, Object> between(String before, String after) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.putAll(over(before, after, "tippen_store_commit_seconds", "commits"));
        m.putAll(over(before, after, "tippen_track_seconds", "server_tracked"));
        return m;
    }

    private static Map<String, Object> over(String before, String after, String name, String label) {
        TreeMap<Double, Double> a = buckets(before, name);
        TreeMap<Double, Double> z = buckets(after, name);
        Map<String, Object> m = new LinkedHashMap<>();
        if (z.isEmpty()) return m;
        double total = z.lastEntry().getValue() - a.getOrDefault(z.lastKey(), 0.0);
        m.put(label, (long) total);
        for (double bound : OVER) {
            if (!z.containsKey(bound)) continue; // not one of this histogram's bounds: no count to report
            double within = z.getOrDefault(bound, 0.0) - a.getOrDefault(bound, 0.0);
            m.put(label + "_over_" + (int) Math.round(bound * 1000) + "ms", (long) (total - within));
        }
        for (Map.Entry<Double, Double> e : z.entrySet()) {
            double within = e.getValue() - a.getOrDefault(e.getKey(), 0.0);
            if (total > 0 && within >= 0.99 * total) {
                m.put(label + "_p99_under_ms", e.getKey().isInfinite() ? "inf" : e.getKey() * 1000);
                break;
            }
        }
        return m;
    }
}
