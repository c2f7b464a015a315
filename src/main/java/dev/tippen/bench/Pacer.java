package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.IntConsumer;

/**
 * An open-loop sender: calls {@code send(seq)} for seq 0..rate*seconds-1 at a fixed rate, whether or
 * not earlier requests have been answered, so a slow server shows up as latency rather than as a
 * politely lower rate. A request's latency is counted from when it was due ({@link #dueNanos}), not
 * from when it left, so a stalled client cannot hide a stalled server either.
 */
final class Pacer {
    private long startNanos;
    private final int rate;
    final int total;

    private Pacer(int rate, int seconds) {
        this.rate = rate;
        this.total = rate * seconds;
        this.startNanos = System.nanoTime() + 5_000_000; // first tick lands after the timer is armed
    }

    /** Starts the schedule from now (a pacer made before a warm-up would otherwise start late). */
    void restart() {
        startNanos = System.nanoTime() + 5_000_000;
    }

    static Pacer of(int rate, int seconds) {
        return new Pacer(rate, seconds);
    }

    long dueNanos(int seq) {
        return startNanos + seq * 1_000_000_000L / rate;
    }

    /** Runs on one event loop with a 1 ms timer; completes once every request has been sent. */
    Future<Void> run(Vertx vertx, IntConsumer send) {
        Promise<Void> done = Promise.promise();
        if (total == 0) return Future.succeededFuture();
        int[] next = {0};
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
