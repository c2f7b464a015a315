package dev.tippen.bench;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures stalls that are neither server's doing: a thread of the load generator that asks to
 * sleep 1 ms, over and over, and records by how much it overslept. A long oversleep is the client's
 * own garbage collection or the host taking the CPUs away (scheduling, memory reclaim); every
 * latency recorded in the same moment was stretched by as much, whichever server was measured.
 */
final class StallProbe implements AutoCloseable {
    private static final long TICK_NANOS = 1_000_000;
    private final Latencies oversleep = new Latencies();
    private volatile boolean running = true;
    private final Thread thread;
    private long over10ms;

    private StallProbe() {
        thread = new Thread(this::run, "stall-probe");
        thread.setDaemon(true);
        thread.start();
    }

    static StallProbe start() {
        return new StallProbe();
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(TICK_NANOS);
            long late = System.nanoTime() - before - TICK_NANOS;
            oversleep.recordNanos(late);
            if (late > 10_000_000) over10ms++;
        }
    }

    /** Adds its figures, under {@code client_stall}, once {@link #close()} has stopped it. */
    void addTo(Map<String, Object> result) {
        result.put("client_stalls_over_10ms", over10ms);
        result.put("client_stall_max_ms", Latencies.round(oversleep.maxMillis()));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
