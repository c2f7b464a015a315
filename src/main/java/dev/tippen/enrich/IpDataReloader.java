package dev.tippen.enrich;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Reloads the offline databases when their files change, or at once on SIGHUP. A file is reloaded only
 * once it has looked the same for two checks in a row, so a download in progress is not read half
 * written. Loading runs on a worker thread; a file that fails to load leaves the previous data in use.
 */
public final class IpDataReloader {
    private static final Logger log = LoggerFactory.getLogger(IpDataReloader.class);

    private final Vertx vertx;
    private final IpDataFiles files;
    private final OfflineEnricher target;
    private final TippenMetrics metrics;
    private String loaded;
    private String lastSeen;
    private long timer = -1;

    public IpDataReloader(Vertx vertx, IpDataFiles files, OfflineEnricher target, TippenMetrics metrics) {
        this.vertx = vertx;
        this.files = files;
        this.target = target;
        this.metrics = metrics;
        this.loaded = IpDataLoader.fingerprint(files);
        this.lastSeen = loaded;
    }

    public void start(Duration every, boolean onSighup) {
        timer = vertx.setPeriodic(Math.max(100, every.toMillis()),
                id -> vertx.executeBlocking(() -> check(false), false));
        if (onSighup) {
            try {
                Signal.handle(new Signal("HUP"), sig -> vertx.executeBlocking(() -> check(true), false));
            } catch (IllegalArgumentException e) {
                log.warn("event=sighup_unavailable error=\"{}\"", e.getMessage());
            }
        }
    }

    public void stop() {
        if (timer != -1) vertx.cancelTimer(timer);
    }

    /** Reloads if the files changed and have settled, or unconditionally when {@code now}. */
    synchronized boolean check(boolean now) {
        String seen = IpDataLoader.fingerprint(files);
        boolean settled = seen.equals(lastSeen);
        lastSeen = seen;
        if (!now && (seen.equals(loaded) || !settled)) return false;
        long t0 = System.nanoTime();
        try {
            IpData next = IpDataLoader.load(files);
            target.replace(next);
            loaded = seen;
            metrics.ipDataReload(true);
            log.info("event=ip_data_reloaded trigger={} sources={} ms={}", now ? "sighup" : "file_change",
                    next.sources().size(), (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (RuntimeException e) {
            loaded = seen; // do not retry the same broken files every check; the next change retries
            metrics.ipDataReload(false);
            log.warn("event=ip_data_reload_failed keeping=previous error=\"{}\"", e.getMessage());
            return false;
        }
    }
}
