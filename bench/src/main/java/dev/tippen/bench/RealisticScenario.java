package dev.tippen.bench;

import dev.tippen.site.KeyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code realistic}: a day-time load on one node. V visitors spread over the server's sites each
 * send a heartbeat every 30 s (one in five is a page view instead), D dashboards watch the sites,
 * S of the visitors hold a socket, and an agent sends an invite every second. Reports each path's
 * latency (tracking: due to 200; fan-out: due to the dashboard's VISITOR_UPDATE for a page view;
 * invite: due to the visitor's VIDEO_INVITE) and the server's CPU and memory.
 */
final class RealisticScenario {
    record Shape(int visitors, int dashboards, int sockets, int invitesPerSecond) {}

    private RealisticScenario() {
    }

    static Map<String, Object> run(Vertx vertx, ChildServer server, Shape shape, int warmupSeconds, int seconds)
            throws Exception {
        List<KeyStore.CreatedSite> sites = server.sites;
        int rate = Math.max(1, shape.visitors() / 30);
        HttpClient client = Load.http(vertx, server.port(), 128);

        // Every visitor exists before the measured run, as they would at mid-day.
        long t0 = System.nanoTime();
        long preloadFailed = await(Load.closedLoop(shape.visitors(), 50, n -> Load.post(client, "/track/visitor",
                siteOf(sites, n).publicKey(), Load.track("pageview", "v_" + n, 1_000_000_000 + n))));
        double preloadSeconds = (System.nanoTime() - t0) / 1e9;

        // Numbers on the wire are seq + warmup(), so that warm-up traffic (seq < 0) is told apart.
        Pacer tracks = Pacer.of(rate, warmupSeconds, seconds);
        Pacer invites = Pacer.of(shape.invitesPerSecond(), warmupSeconds, seconds);
        Latencies trackLatency = new Latencies();
        Latencies fanoutLatency = new Latencies();
        Latencies inviteLatency = new Latencies();
        LongAdder delivered = new LongAdder();
        LongAdder invitesReceived = new LongAdder();
        int[] dashboardsOnSite = new int[sites.size()];

        WebSocketClient sockets = Load.sockets(vertx, null, shape.dashboards() + shape.sockets());
        List<WebSocket> open = new ArrayList<>();
        for (int d = 0; d < shape.dashboards(); d++) {
            KeyStore.CreatedSite site = sites.get(d % sites.size());
            dashboardsOnSite[d % sites.size()]++;
            open.add(await(Load.open(sockets, server.port(), "/ws/dashboard?apiKey=" + site.secretKey(), m -> {
                // Page views only: a heartbeat's update carries the URL, and so the number, of the last page view.
                if (m.contains("\"event\":\"heartbeat\"")) return;
                int wire = Load.seq(m, "VISITOR_UPDATE");
                int seq = wire - tracks.warmup();
                if (seq < 0 || seq >= tracks.total || !pageview(wire)) return;
                fanoutLatency.recordNanos(System.nanoTime() - tracks.dueNanos(seq));
                delivered.increment();
            })));
        }
        List<Future<WebSocket>> visitorSockets = new ArrayList<>();
        for (int i = 0; i < shape.sockets(); i++) {
            visitorSockets.add(Load.open(sockets, server.port(), "/ws/visitor?apiKey=" + siteOf(sites, i).publicKey()
                    + "&visitorId=v_" + i, m -> {
                int seq = Load.seq(m, "VIDEO_INVITE") - invites.warmup();
                if (seq < 0 || seq >= invites.total) return;
                inviteLatency.recordNanos(System.nanoTime() - invites.dueNanos(seq));
                invitesReceived.increment();
            }));
        }
        for (Future<WebSocket> f : visitorSockets) open.add(await(f));

        LongAdder acked = new LongAdder();
        LongAdder trackErrors = new LongAdder();
        LongAdder expectedDeliveries = new LongAdder();
        LongAdder invitesAccepted = new LongAdder();
        long[] cpu0 = {0};
        server.settle();
        Future<Void> trackRun = tracks.run(vertx, seq -> {
            if (seq == 0) cpu0[0] = server.cpuMillis();
            int wire = seq + tracks.warmup();
            int visitor = wire % shape.visitors();
            long due = tracks.dueNanos(seq);
            Load.post(client, "/track/visitor", siteOf(sites, visitor).publicKey(),
                    Load.track(pageview(wire) ? "pageview" : "heartbeat", "v_" + visitor, wire)).onComplete(ar -> {
                if (seq < 0) return;
                if (ar.succeeded() && ar.result() == 200) {
                    trackLatency.recordNanos(System.nanoTime() - due);
                    acked.increment();
                    if (pageview(wire)) expectedDeliveries.add(dashboardsOnSite[visitor % sites.size()]);
                } else {
                    trackErrors.increment();
                }
            });
        });
        Future<Void> inviteRun = invites.run(vertx, seq -> {
            int wire = seq + invites.warmup();
            int visitor = (int) ((wire * 7919L) % Math.max(1, shape.sockets()));
            Load.post(client, "/api/send-video-invite", null, Load.invite(siteOf(sites, visitor).secretKey(), "v_" + visitor, wire))
                    .onSuccess(status -> {
                        if (seq >= 0 && status == 200) invitesAccepted.increment();
                    });
        });
        await(Future.all(trackRun, inviteRun));
        long serverCpu = server.cpuMillis() - cpu0[0];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (acked.sum() + trackErrors.sum() < tracks.total
                || delivered.sum() < expectedDeliveries.sum() || invitesReceived.sum() < invitesAccepted.sum())) {
            Thread.sleep(20);
        }
        server.collectGarbage();
        Thread.sleep(500);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("visitors", shape.visitors());
        r.put("sites", sites.size());
        r.put("dashboards", shape.dashboards());
        r.put("visitor_sockets", shape.sockets());
        r.put("track_rate_per_s", rate);
        r.put("preload_per_s", Math.round((shape.visitors() - preloadFailed) / preloadSeconds));
        r.put("track_acked", acked.sum());
        r.put("track_errors", trackErrors.sum());
        r.putAll(trackLatency.summary("track_latency_"));
        r.put("fanout_deliveries", delivered.sum());
        r.put("fanout_missed", Math.max(0, expectedDeliveries.sum() - delivered.sum()));
        r.putAll(fanoutLatency.summary("fanout_latency_"));
        r.put("invites_accepted", invitesAccepted.sum());
        r.put("invites_received", invitesReceived.sum());
        r.putAll(inviteLatency.summary("invite_latency_"));
        r.put("server_cpu_cores", Latencies.round(serverCpu / 1000.0 / seconds));
        r.put("server_rss_mb", Math.round(server.rssBytes() / 1048576.0));
        double heap = server.metric("jvm_memory_used_bytes{area=\"heap\"}");
        if (heap >= 0) r.put("server_live_heap_mb", Math.round(heap / 1048576.0));
        for (WebSocket ws : open) ws.close();
        sockets.close();
        client.close();
        return r;
    }

    /** One request in five is a page view, the rest heartbeats. */
    private static boolean pageview(int seq) {
        return seq % 5 == 0;
    }

    private static KeyStore.CreatedSite siteOf(List<KeyStore.CreatedSite> sites, int visitor) {
        return sites.get(visitor % sites.size());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
    }
}
