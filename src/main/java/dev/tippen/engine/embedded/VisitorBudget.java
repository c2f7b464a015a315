package dev.tippen.engine.embedded;

import dev.tippen.config.Budgets;
import dev.tippen.config.ByteSizes;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the visitors this node holds in memory cost, across all sites, against what its heap can
 * give them: each visitor is charged what it holds ({@link Budgets#visitorBytes}), measured from
 * its stored form, so a thousand typical visitors fit where a hundred hostile ones would. A new
 * visitor takes its charge before its change is stored and gives it back if the change fails;
 * a known visitor's change moves the charge with it and is never refused here (its size is
 * bounded); a removed one gives its charge back. Past the budget, or past the optional count cap,
 * a new visitor is refused (503) while known visitors keep working.
 */
final class VisitorBudget {
    private final long maxBytes;
    /** One site's share of {@link #maxBytes}. */
    private final long siteBytes;
    /** An operator's cap on the count on top of the bytes (0: none). */
    private final int maxCount;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger();

    VisitorBudget(long maxBytes, long siteBytes, int maxCount) {
        this.maxBytes = maxBytes;
        this.siteBytes = siteBytes;
        this.maxCount = maxCount;
    }

    /** A new visitor charged {@code charge} bytes: false (and nothing taken) past either bound. */
    boolean take(int charge) {
        if (count.incrementAndGet() > maxCount && maxCount > 0) {
            count.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(charge) > maxBytes) {
            bytes.addAndGet(-charge);
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    /** A known visitor's new state: its charge moves by {@code delta}, whatever the budget. */
    void resize(long delta) {
        bytes.addAndGet(delta);
    }

    void give(int visitors, long charged) {
        count.addAndGet(-visitors);
        bytes.addAndGet(-charged);
    }

    /** At start: visitors restored from disk are held whatever the budget. */
    void hold(int visitors, long charged) {
        count.addAndGet(visitors);
        bytes.addAndGet(charged);
    }

    /** Whether a site holding {@code held} bytes (with its visitors being stored) has room for one of {@code charge}. */
    boolean siteRoom(long held, int charge) {
        return held + charge <= siteBytes;
    }

    long siteBytes() {
        return siteBytes;
    }

    long bytes() {
        return bytes.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    int count() {
        return count.get();
    }

    /** What a refusal says the node holds. */
    String describe() {
        return (maxCount > 0 && count.get() >= maxCount) ? maxCount + " visitors (--max-visitors)"
                : ByteSizes.approx(maxBytes) + " of visitors, --visitor-memory";
    }
}
