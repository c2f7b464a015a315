package dev.tippen.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each key holds open (sockets of an address, of a site; connections of an
 * address), against one cap. Keys at zero are forgotten, so the map holds only keys with something
 * open, and never more of them than things open.
 */
public final class CountsPerKey {
    private final int max;
    private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

    /** {@code max} 0 or less: no cap (nothing is counted). */
    public CountsPerKey(int max) {
        this.max = max;
    }

    /** Counts one more for the key; false, counting nothing, when it holds its cap already. */
    public boolean take(String key) {
        if (max <= 0) return true;
        boolean[] taken = {false};
        counts.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) return n;
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** Gives one back (for a key that took one). */
    public void give(String key) {
        if (max > 0) counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int max() {
        return max;
    }
}
