package dev.tippen.engine.embedded;

import dev.tippen.config.ByteSizes;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data dir's free space against a watermark, read once a second on a thread of its own (a disk
 * can hang a stat call; an event loop never waits on one). Below the watermark the node takes no new
 * visitors and says it is not ready, while the visitors it has keep being stored: a full disk would
 * stop tracking for every site, a low one stops only growth.
 */
public final class DiskSpace implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DiskSpace.class);

    private final long minFreeBytes;
    private final LongSupplier usable;
    private final ScheduledExecutorService thread;
    private volatile long free = Long.MAX_VALUE;
    private volatile boolean low;

    private DiskSpace(long minFreeBytes, LongSupplier usable, boolean watch) {
        this.minFreeBytes = minFreeBytes;
        this.usable = usable;
        this.thread = watch && minFreeBytes > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tippen-disk-space");
            t.setDaemon(true);
            return t;
        }) : null;
        if (thread != null) {
            check();
            thread.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Watches the disk that holds {@code dir}; {@code minFreeBytes} 0 watches nothing. */
    public static DiskSpace watch(Path dir, long minFreeBytes) {
        return new DiskSpace(minFreeBytes, () -> usableSpace(dir), true);
    }

    /** For tests: a disk whose free space is whatever {@code usable} says, read on {@link #check}. */
    static DiskSpace of(long minFreeBytes, LongSupplier usable) {
        return new DiskSpace(minFreeBytes, usable, false);
    }

    private static long usableSpace(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return Long.MAX_VALUE; // cannot tell: the writes themselves will say when the disk is full
        }
    }

    void check() {
        long now = usable.getAsLong();
        free = now;
        boolean wasLow = low;
        low = minFreeBytes > 0 && now < minFreeBytes;
        if (low && !wasLow) {
            log.warn("event=disk_low free={} watermark={} note=\"new visitors are refused (503) until space is freed\"",
                    ByteSizes.format(now), ByteSizes.format(minFreeBytes));
        } else if (!low && wasLow) {
            log.info("event=disk_ok free={} watermark={}", ByteSizes.format(now), ByteSizes.format(minFreeBytes));
        }
    }

    public boolean low() {
        return low;
    }

    public long free() {
        return free;
    }

    /** What a refused visitor and /readyz are told. */
    public String refusal() {
        return "the server's disk is below its free-space watermark (--min-free-disk " + ByteSizes.format(minFreeBytes)
                + "); new visitors are refused until space is freed";
    }

    @Override
    public void close() {
        if (thread != null) thread.shutdownNow();
    }
}
