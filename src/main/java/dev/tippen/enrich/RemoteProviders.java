package dev.tippen.enrich;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** Builds the configured paid provider behind its guards, or nothing when none is configured. */
public final class RemoteProviders {
    public static final String IPINFO = "ipinfo";
    public static final String CLEARBIT = "clearbit";

    private RemoteProviders() {}

    public static RemoteEnricher create(Vertx vertx, EnrichSettings s, TippenMetrics metrics) {
        if (s.provider() == null) return null;
        RemoteEnricher.Settings guards = s.remote();
        WebClient client = WebClient.create(vertx, new WebClientOptions()
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, guards.timeout().toMillis()))
                        .setUserAgent("tippen")
                        .setTrustAll(false),
                new PoolOptions().setHttp1MaxSize(Math.max(1, guards.maxInFlight())));
        long timeout = guards.timeout().toMillis();
        RemoteProvider p = switch (s.provider()) {
            case IPINFO -> new IpinfoProvider(client, s.providerUrl() == null ? IpinfoProvider.DEFAULT_URL : s.providerUrl(),
                    s.providerKey(), timeout);
            case CLEARBIT -> new ClearbitProvider(client, s.providerUrl() == null ? ClearbitProvider.DEFAULT_URL : s.providerUrl(),
                    s.providerKey(), timeout);
            default -> throw new IllegalArgumentException("unknown enrichment provider '" + s.provider()
                    + "'; expected ipinfo or clearbit");
        };
        return new RemoteEnricher(p, guards, metrics);
    }
}
