import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load probes that need sockets, with the JDK's own HTTP client only:
 *   latency BASE PUBLIC SECRET RATE SECONDS   track -> dashboard delivery time at a fixed rate
 *   idle    BASE PUBLIC PID COUNT             server RSS growth per idle visitor socket
 * Every loop is bounded in count and time, and targets only the given loopback base URL.
 */
public class Probe {
    static final HttpClient HTTP = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "latency" -> latency(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "idle" -> idle(args[1], args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void latency(String base, String pub, String secret, int rate, int seconds) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        List<Long> delays = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> opened = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            final StringBuilder buf = new StringBuilder();
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    long now = System.nanoTime();
                    String m = buf.toString();
                    buf.setLength(0);
                    if (m.startsWith("{\"type\":\"INITIAL_VISITORS\"")) opened.complete(null);
                    int i = m.indexOf("\"visitorId\":\"lat_");
                    if (m.startsWith("{\"type\":\"VISITOR_UPDATE\"") && i > 0) {
                        String id = m.substring(i + 13, m.indexOf('"', i + 13));
                        Long t = sent.remove(id);
                        if (t != null) delays.add(now - t);
                    }
                }
                ws.request(1);
                return null;
            }
        };
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/ws/dashboard?apiKey=" + secret), listener).get();
        opened.get(10, TimeUnit.SECONDS);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        AtomicInteger seq = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int total = rate * seconds;
        long periodNanos = 1_000_000_000L / rate;
        var task = timer.scheduleAtFixedRate(() -> {
            int n = seq.getAndIncrement();
            if (n >= total) return;
            String id = "lat_" + n;
            String body = "{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"" + id + "\",\"url\":\"https://bench.example/\"}}";
            sent.put(id, System.nanoTime());
            HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/track/visitor")).header("X-Tippen-API-Key", pub)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> { if (e != null || r.statusCode() != 200) errors.incrementAndGet(); });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        Thread.sleep(seconds * 1000L + 3000);
        task.cancel(false);
        timer.shutdown();
        long[] d = delays.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("{\"probe\":\"latency\",\"rate\":%d,\"sent\":%d,\"received\":%d,\"missed\":%d,\"errors\":%d,"
                + "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}%n", rate, total, d.length, total - d.length, errors.get(),
                pct(d, 50), pct(d, 99), d.length == 0 ? 0 : d[d.length - 1] / 1e6);
        ws.abort();
        System.exit(0);
    }

    static void idle(String base, String pub, long pid, int count) throws Exception {
        long before = rssKiB(pid);
        List<WebSocket> sockets = new ArrayList<>(count);
        WebSocket.Listener quiet = new WebSocket.Listener() {};
        String wsBase = base.replace("http", "ws") + "/ws/visitor?apiKey=" + pub + "&visitorId=idle_";
        long deadline = System.currentTimeMillis() + 180_000;
        for (int i = 0; i < count && System.currentTimeMillis() < deadline; i += 200) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int j = i; j < Math.min(count, i + 200); j++) {
                batch.add(HTTP.newWebSocketBuilder().buildAsync(URI.create(wsBase + j), quiet));
            }
            for (var f : batch) sockets.add(f.get(30, TimeUnit.SECONDS));
        }
        Thread.sleep(5000);
        long after = rssKiB(pid);
        System.out.printf("{\"probe\":\"idle\",\"sockets\":%d,\"rss_before_kib\":%d,\"rss_after_kib\":%d,\"kib_per_socket\":%.2f}%n",
                sockets.size(), before, after, (after - before) / (double) sockets.size());
        sockets.forEach(WebSocket::abort);
        System.exit(0);
    }

    static long rssKiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
