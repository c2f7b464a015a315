package dev.tippen.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code many-sites}: thousands of sites with a few visitors each, then left idle. What an idle
 * site costs: growth of the server's live heap and resident memory per site, measured against the
 * same server just before (its keys loaded, no site active yet). Also how fast tracking runs when
 * every request goes to a different site.
 */
final class ManySitesScenario {
    private ManySitesScenario() {
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, int visitorsPerSite, int connections) throws Exception {
        List<dev.tippen.site.KeyStore.CreatedSite> sites = server.sites;
        Thread.sleep(1000);
        server.collectGarbage();
        long rss0 = server.rssBytes();
        double heap0 = server.metric("jvm_memory_used_bytes{area=\"heap\"}");

        int total = sites.size() * visitorsPerSite;
        HttpClient client = Load.http(vertx, server.port(), connections);
        long t0 = System.nanoTime();
        // Visitor k of every site before visitor k+1 of any, so all sites fill evenly.
        long failed = Load.closedLoop(total, connections, n -> Load.post(client, "/track/visitor",
                        sites.get(n % sites.size()).publicKey(), Load.track("pageview", "m_" + (n / sites.size()), n)))
                .toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
        double trackSeconds = (System.nanoTime() - t0) / 1e9;
        client.close();

        Thread.sleep(2000);
        server.collectGarbage();
        Thread.sleep(500);
        long rss1 = server.rssBytes();
        double heap1 = server.metric("jvm_memory_used_bytes{area=\"heap\"}");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sites", sites.size());
        r.put("visitors_per_site", visitorsPerSite);
        r.put("tracked", total - failed);
        r.put("errors", failed);
        r.put("requests_per_s_across_sites", Math.round((total - failed) / trackSeconds));
        r.put("rss_before_mb", Math.round(rss0 / 1048576.0));
        r.put("rss_after_mb", Math.round(rss1 / 1048576.0));
        r.put("rss_per_site_kib", Latencies.round((rss1 - rss0) / 1024.0 / sites.size()));
        r.put("live_heap_per_site_kib", Latencies.round((heap1 - heap0) / 1024.0 / sites.size()));
        r.put("live_heap_per_visitor_kib", Latencies.round((heap1 - heap0) / 1024.0 / total));
        r.put("live_visitors_reported", server.metric("tippen_live_visitors"));
        return r;
    }
}
