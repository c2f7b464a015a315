package dev.tippen.team;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Slows password guessing without letting anyone lock another person out. Wrong passwords for one
 * account from one address earn that pair a growing wait (1 s after the fifth, doubling, at most
 * 15 minutes); the same account from elsewhere, and other accounts from the same address, are not
 * held up. An address that fails across many accounts is held up as a whole, at a far higher
 * threshold. A refused attempt checks no password and does not count. In memory, per node, bounded.
 */
public final class SignInThrottle {
    static final int FREE_FAILURES = 5;
    static final long MAX_WAIT_MILLIS = Duration.ofMinutes(15).toMillis();
    static final int ADDRESS_FAILURES = 100;
    static final long ADDRESS_WINDOW_MILLIS = Duration.ofMinutes(15).toMillis();

    private static final class Record {
        int failures;
        long lastFailure;
        long windowStart;
    }

    private final Cache<String, Record> pairs = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();
    private final Cache<String, Record> addresses = Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofHours(1)).build();

    /** How long this attempt must wait, in ms; 0 when it may go ahead. */
    public long waitMillis(String account, String address, long now) {
        Record a = addresses.getIfPresent(address);
        if (a != null) {
            synchronized (a) {
                if (now - a.windowStart < ADDRESS_WINDOW_MILLIS && a.failures >= ADDRESS_FAILURES) return a.windowStart + ADDRESS_WINDOW_MILLIS - now;
            }
        }
        Record p = pairs.getIfPresent(pair(account, address));
        if (p == null) return 0;
        synchronized (p) {
            if (p.failures < FREE_FAILURES) return 0;
            long wait = Math.min(1000L << Math.min(p.failures - FREE_FAILURES, 20), MAX_WAIT_MILLIS);
            return Math.max(0, p.lastFailure + wait - now);
        }
    }

    public void failed(String account, String address, long now) {
        Record p = pairs.get(pair(account, address), k -> new Record());
        synchronized (p) {
            p.failures++;
            p.lastFailure = now;
        }
        Record a = addresses.get(address, k -> new Record());
        synchronized (a) {
            if (now - a.windowStart >= ADDRESS_WINDOW_MILLIS) {
                a.windowStart = now;
                a.failures = 0;
            }
            a.failures++;
        }
    }

    public void succeeded(String account, String address) {
        pairs.invalidate(pair(account, address));
    }

    private static String pair(String account, String address) {
        return account + "\n" + address;
    }
}
