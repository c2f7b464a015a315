package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The load generator's side of the wire: non-blocking Vert.x clients, so one client event loop
 * keeps thousands of requests and sockets in flight. Request bodies carry a sequence number in the
 * page URL ({@code bench-seq-N}), which comes back in the messages the server pushes.
 */
final class Load {
    static final String SEQ_MARK = "bench-seq-";

    private Load() {
    }

    /**
     * At most {@code connections} keep-alive connections; at most 20,000 requests wait for one. A
     * connection idle for 5 s is closed by this side: Tippen closes one idle for its header deadline
     * (10 s), and a request sent just as it does fails for the race, not for anything the server did.
     */
    static HttpClient http(Vertx vertx, int port, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                        .setKeepAlive(true).setKeepAliveTimeout(5).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(20_000));
    }

    static WebSocketClient sockets(Vertx vertx, String localAddress, int maxConnections) {
        WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(maxConnections)
                .setTcpNoDelay(true).setConnectTimeout(30_000)
                // A dashboard's INITIAL_VISITORS lists every live visitor of its site in one frame: 500
                // of them pass the client's default 64 KiB frame and 256 KiB message limits, and Vert.x
                // would drop the socket. Browsers have no such limit.
                .setMaxMessageSize(64 * 1024 * 1024).setMaxFrameSize(64 * 1024 * 1024);
        if (localAddress != null) options.setLocalAddress(localAddress);
        return vertx.createWebSocketClient(options);
    }

    /** Resolves to the status code once the whole answer has arrived. */
    static Future<Integer> post(HttpClient client, String uri, String key, Buffer body) {
        return client.request(HttpMethod.POST, uri).compose(req -> {
            req.putHeader("Content-Type", "application/json");
            if (key != null) req.putHeader("X-Tippen-API-Key", key);
            return req.send(body);
        }).compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    /** A POST as it arrives through a trusted proxy that names the client's address. */
    static Future<Integer> postFrom(HttpClient client, String uri, String key, String forwardedFor, Buffer body) {
        return client.request(HttpMethod.POST, uri).compose(req -> {
            req.putHeader("Content-Type", "application/json");
            req.putHeader("X-Tippen-API-Key", key);
            req.putHeader("X-Forwarded-For", forwardedFor);
            return req.send(body);
        }).compose(resp -> resp.body().map(b -> resp.statusCode()));
    }

    static Buffer track(String event, String visitorId, int seq) {
        return Buffer.buffer("{\"event\":\"" + event + "\",\"website\":\"bench.example\",\"visitor\":{\"visitorId\":\""
                + visitorId + "\",\"url\":\"https://bench.example/" + SEQ_MARK + seq
                + "\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0\",\"timezone\":\"Europe/Berlin\","
                + "\"timestamp\":\"2026-11-24T10:00:00Z\"}}");
    }

    static Buffer invite(String secretKey, String visitorId, int seq) {
        return Buffer.buffer("{\"apiKey\":\"" + secretKey + "\",\"visitorId\":\"" + visitorId
                + "\",\"guestUrl\":\"https://meet.example/" + SEQ_MARK + seq + "\"}");
    }

    /** The sequence number in a pushed message of the given type, or -1 if it is another message. */
    static int seq(String message, String type) {
        if (!message.startsWith("{\"type\":\"" + type + "\"")) return -1;
        return seqIn(message);
    }

    /** The first sequence number in {@code text} (a message, a URL), or -1 if it has none. */
    static int seqIn(String text) {
        int i = text == null ? -1 : text.indexOf(SEQ_MARK);
        if (i < 0) return -1;
        int n = 0;
        for (int j = i + SEQ_MARK.length(); j < text.length(); j++) {
            char c = text.charAt(j);
            if (c < '0' || c > '9') break;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * Sends {@code total} requests over {@code connections} closed loops (each sends its next request
     * when the last is answered); resolves to how many were not answered 200.
     */
    static Future<Long> closedLoop(int total, int connections, IntFunction<Future<Integer>> request) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger running = new AtomicInteger(connections);
        java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        io.vertx.core.Promise<Long> done = Promise.promise();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int n = next.getAndIncrement();
            if (n >= total) {
                if (running.decrementAndGet() == 0) done.tryComplete(failed.sum());
                return;
            }
            request.apply(n).onComplete(ar -> {
                if (ar.failed() || ar.result() != 200) failed.increment();
                loop[0].run();
            });
        };
        for (int c = 0; c < connections; c++) loop[0].run();
        return done.future();
    }

    /** Opens a socket and resolves once its first message (the server's greeting) has arrived. */
    static Future<WebSocket> open(WebSocketClient client, int port, String uri, Consumer<String> onMessage) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
        return client.connect(options).compose(ws -> {
            io.vertx.core.Promise<WebSocket> greeted = Promise.promise();
            ws.textMessageHandler(m -> {
                if (!greeted.future().isComplete()) greeted.tryComplete(ws);
                else onMessage.accept(m);
            });
            ws.exceptionHandler(e -> greeted.tryFail(e));
            ws.closeHandler(v -> greeted.tryFail("socket " + uri.split("\\?", 2)[0] + " closed before its first message: "
                    + ws.closeStatusCode() + " " + ws.closeReason()));
            return greeted.future();
        });
    }

    /**
     * Runs {@code count} steps, at most {@code inFlight} at once (each next one as one finishes), and
     * waits ten minutes at most for all of them.
     */
    static void bounded(Vertx vertx, int count, int inFlight, IntFunction<Future<?>> step) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Promise<Void> all = Promise.promise();
        Runnable[] run = new Runnable[1];
        run[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count) return;
            step.apply(i).onComplete(ar -> {
                if (finished.incrementAndGet() == count) all.complete();
                run[0].run();
            });
        };
        if (count == 0) all.complete();
        vertx.runOnContext(v -> {
            for (int i = 0; i < Math.min(inFlight, count); i++) run[0].run();
        });
        all.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    }
}
