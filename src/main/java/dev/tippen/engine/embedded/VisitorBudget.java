package dev.tippen.engine.embedded;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many visitors this node holds in memory, across all sites, against the most its heap can take.
 * A new visitor takes a place before its change is stored and gives it back if the change fails or
 * when the visitor is removed; past the budget a new visitor is refused (503) while known visitors
 * keep working.
 */
final class VisitorBudget {
    private final int max;
    private final AtomicInteger held = new AtomicInteger();

    VisitorBudget(int max) {
        this.max = max;
    }

    boolean take() {
        if (held.incrementAndGet() <= max) return true;
        held.decrementAndGet();
        return false;
    }

    void give(int n) {
        held.addAndGet(-n);
    }

    /** At start: visitors restored from disk are held whatever the budget. */
    void hold(int n) {
        held.addAndGet(n);
    }

    int held() {
        return held.get();
    }

    int max() {
        return max;
    }
}
