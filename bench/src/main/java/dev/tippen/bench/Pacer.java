package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.IntConsumer;

/**
 * An open-loop sender: calls {@code send(seq)} at a fixed rate, whether or not earlier requests have
 * been answered, so a slow server shows up as latency rather than as a politely lower rate. A
 * request's latency is counted from when it was due ({@link #dueNanos}), not from when it left, so a
 * stalled client cannot hide a stalled server either.
 *
 * <p>Warm-up and measurement are one schedule on one timer: seq runs from {@code -warmup} to
 * {@code total - 1}, and only seq ≥ 0 is measured. Two separate runs would start the measured one
 * on a fresh timer and context, and its first requests would pay the client's own set-up.
 */
final class Pacer {
    private final int rate;
    private final int warmup;
    final int total;
    private volatile long startNanos;

    private Pacer(int rate, int warmupSeconds, int seconds) {
        this.rate = rate;
        this.warmup = rate * warmupSeconds;
        this.total = rate * seconds;
    }

    static Pacer of(int rate, int seconds) {
        return new Pacer(rate, 0, seconds);
    }

    static Pacer of(int rate, int warmupSeconds, int seconds) {
        return new Pacer(rate, warmupSeconds, seconds);
    }

    /** How many warm-up sends come before seq 0; adding it to seq gives a non-negative wire number. */
    int warmup() {
        return warmup;
    }

    long dueNanos(int seq) {
        return startNanos + (seq + (long) warmup) * 1_000_000_000L / rate;
    }

    /** Runs on one event loop with a 1 ms timer; completes once every request has been sent. */
    Future<Void> run(Vertx vertx, IntConsumer send) {
        if (total + warmup == 0) return Future.succeededFuture();
        Promise<Void> done = Promise.promise();
        startNanos = System.nanoTime() + 5_000_000; // the first send lands after the timer is armed
        int[] next = {-warmup};
        vertx.setPeriodic(1, 1, id -> {
            long now = System.nanoTime();
            while (next[0] < total && dueNanos(next[0]) <= now) send.accept(next[0]++);
            if (next[0] >= total) {
                vertx.cancelTimer(id);
                done.complete();
            }
        });
        return done.future();
    }
}
