package dev.tippen.enrich;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one door tracking uses: the parsed User-Agent; what is known about a visitor now (offline
 * data, plus a provider's cached answer), asked by the site's coordinator only for a new visitor or
 * one that moved; and, when a provider is configured and has not answered for this address yet, its
 * answer later. Tracking never waits for the provider.
 *
 * <p>A User-Agent seen before is answered from the parser's cache on the event loop. A new one is
 * parsed on a small worker pool, since one parse runs hundreds of regexes (about a millisecond);
 * when {@code maxParsing} parses are already waiting, the event gets the rough answer instead of
 * joining the queue, so a flood of made-up User-Agents costs neither the event loop nor memory.
 */
public final class Enricher {
    private final OfflineEnricher offline;
    private final RemoteEnricher remote;
    private final boolean anonymizeIp;
    private final WorkerExecutor parsers;
    private final int maxParsing;
    private final AtomicInteger parsing = new AtomicInteger();
    private final TippenMetrics metrics;

    public Enricher(OfflineEnricher offline, RemoteEnricher remote, boolean anonymizeIp, WorkerExecutor parsers,
                    int maxParsing, TippenMetrics metrics) {
        this.offline = offline;
        this.remote = remote;
        this.anonymizeIp = anonymizeIp;
        this.parsers = parsers;
        this.maxParsing = maxParsing;
        this.metrics = metrics;
    }

    /**
     * The address as it is stored, shown and looked up: the /24 or /48 network when anonymising, so
     * the full address goes no further than the rate limiter.
     */
    public String visibleIp(String ip) {
        return anonymizeIp ? IpAddresses.anonymize(ip) : ip;
    }

    /** The parsed User-Agent if it was seen before, else null (then {@link #device} parses it off the event loop). */
    public Device knownDevice(String userAgent) {
        return offline.agents().cached(userAgent);
    }

    /** The parsed User-Agent: at once when seen before, else from a parser thread, else the rough answer. */
    public Future<Device> device(String userAgent) {
        UserAgents agents = offline.agents();
        Device known = agents.cached(userAgent);
        if (known != null) return Future.succeededFuture(known);
        if (parsing.incrementAndGet() > maxParsing) {
            parsing.decrementAndGet();
            metrics.userAgent("rough");
            return Future.succeededFuture(agents.quick(userAgent));
        }
        metrics.userAgent("parsed");
        return parsers.executeBlocking(() -> agents.parse(userAgent), false).andThen(ar -> parsing.decrementAndGet());
    }

    /** In memory only (a few microseconds): the offline answer, with the provider's if it is cached. */
    public Enrichment lookup(String ip, Device device, String timezone, String url, String referrer) {
        Enrichment e = offline.lookup(ip, device == null ? Device.UNKNOWN : device, timezone, url, referrer);
        if (remote == null || ip == null) return e;
        RemoteAnswer cached = remote.cached(ip);
        return cached == null || !cached.known() ? e : cached.over(e, remote.providerName());
    }

    /** True when {@link #later} may still add something for this address to what {@code source} said. */
    public boolean pending(String ip, String source) {
        return remote != null && IpAddresses.isPublic(ip) && !remote.providerName().equals(source)
                && remote.cached(ip) == null;
    }

    /** The provider's answer over the offline one; fails when there is nothing to add or the call failed. */
    public Future<Enrichment> later(String ip, Enrichment now) {
        return remote.lookup(ip).compose(a -> a.known()
                ? Future.succeededFuture(a.over(now, remote.providerName()))
                : Future.failedFuture(new RemoteEnricher.Skipped("not_found")));
    }

    public List<String> sources() {
        return offline.sources();
    }
}
