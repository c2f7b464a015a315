package dev.tippen.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long the server's commits took between two scrapes of /metrics, from its
 * {@code tippen_store_commit_seconds} buckets: the share of a latency tail that storage explains.
 */
final class CommitTimes {
    private static final String BUCKET = "tippen_store_commit_seconds_bucket{le=\"";

    private CommitTimes() {}

    /** Cumulative counts by upper bound in seconds (+Inf as infinity). */
    static TreeMap<Double, Double> buckets(String metrics) {
        TreeMap<Double, Double> b = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(BUCKET)) continue;
            int close = line.indexOf('"', BUCKET.length());
            String le = line.substring(BUCKET.length(), close);
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            b.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return b;
    }

    /** The commits made between the two scrapes, and how many took longer than 5, 10 and 50 ms. */
    static Map<String, Object> between(String before, String after) {
        TreeMap<Double, Double> a = buckets(before);
        TreeMap<Double, Double> z = buckets(after);
        Map<String, Object> m = new LinkedHashMap<>();
        if (z.isEmpty()) return m;
        double total = z.lastEntry().getValue() - a.getOrDefault(z.lastKey(), 0.0);
        m.put("commits", (long) total);
        for (double bound : new double[] {0.005, 0.01, 0.05}) {
            double within = z.getOrDefault(bound, 0.0) - a.getOrDefault(bound, 0.0);
            m.put("commits_over_" + (int) Math.round(bound * 1000) + "ms", (long) (total - within));
        }
        return m;
    }
}
