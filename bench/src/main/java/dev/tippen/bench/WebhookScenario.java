package dev.tippen.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code webhooks}: a receiver on loopback that holds every request for ten seconds before it
 * answers, and endpoints pointed at it, so that every sender thread of the server is stuck on it
 * while tracking runs. Tracking's latency is measured before and with the endpoints, in the same run.
 */
final class WebhookScenario {
    static final long HOLD_MILLIS = 10_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WebhookScenario() {}

    /** The slow receiver: at most 64 requests held at once (more than the server's senders). */
    static final class SlowReceiver implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final HttpServer server;
        private final ExecutorService threads = Executors.newFixedThreadPool(64);

        SlowReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
            server.setExecutor(threads);
            server.createContext("/", ex -> {
                received.incrementAndGet();
                ex.getRequestBody().readAllBytes();
                try {
                    Thread.sleep(HOLD_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** Points {@code count} endpoints with every event at the receiver. */
    static void endpoints(ChildServer server, SlowReceiver rx, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String body = "{\"url\":\"" + rx.url("/hook" + i) + "\"}";
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/webhooks"))
                    .header("Authorization", "Bearer " + server.secretKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) throw new IllegalStateException("endpoint not created: " + r.statusCode() + " " + r.body());
        }
    }
}
