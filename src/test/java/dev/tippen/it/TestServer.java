package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.App;
import dev.tippen.bench.RedisProcess;
import dev.tippen.engine.redis.RedisKeyStore;
import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.engine.embedded.SqliteKeyStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A real server on a free port with its own data dir, and the clients tests use to talk to it. A
 * cluster is several nodes sharing one real redis-server: its requests and sockets take turns across
 * the nodes, so every exchange a test makes goes through a different node than the one before.
 */
public final class TestServer implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Tests wait out an exit's grace; a short one keeps them quick. */
    static final Duration EXIT_GRACE = Duration.ofMillis(300);

    public final Path dataDir;
    public final App app;
    public final URI base;
    public final List<App> nodes;
    public final RedisProcess redis;
    private final AtomicInteger turn = new AtomicInteger();

    private final boolean owner;

    private TestServer(Path dataDir, List<App> nodes, RedisProcess redis) {
        this(dataDir, nodes, redis, true);
    }

    private TestServer(Path dataDir, List<App> nodes, RedisProcess redis, boolean owner) {
        this.owner = owner;
        this.dataDir = dataDir;
        this.app = nodes.get(0);
        this.base = URI.create("http://127.0.0.1:" + app.port());
        this.nodes = nodes;
        this.redis = redis;
    }

    /** Two nodes on one fresh redis-server. */
    public static TestServer cluster() {
        return cluster(2, c -> c);
    }

    public static TestServer cluster(int nodeCount, UnaryOperator<TippenConfig> tweak) {
        RedisProcess redis = RedisServer.start();
        List<App> nodes = new ArrayList<>();
        try {
            Path dir = Files.createTempDirectory("tippen-test");
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(App.start(tweak.apply(testDefaults(dir).withRedis(redis.url()))));
            }
            return new TestServer(dir, nodes, redis);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(App::close);
            redis.close();
            throw new IllegalStateException(e);
        }
    }

    /** The same server, talking to one node only; closing it closes nothing. */
    public TestServer on(int node) {
        return new TestServer(dataDir, List.of(nodes.get(node)), redis, false);
    }

    /** A node started apart from the cluster, talked to alone; closing the result closes nothing. */
    public static TestServer attach(TestServer cluster, App node) {
        return new TestServer(cluster.dataDir, List.of(node), cluster.redis, false);
    }

    /** The port of the node whose turn it is. */
    int nextPort() {
        return nodes.get(Math.floorMod(turn.getAndIncrement(), nodes.size())).port();
    }

    /** The key store the server uses: its SQLite file, or the cluster's Redis. Close it after use. */
    public KeyStore keys() {
        return redis != null ? RedisKeyStore.open(redis.url()) : new SqliteKeyStore(SqliteDatabase.open(dataDir));
    }

    public static TestServer start() {
        return start(c -> c);
    }

    public static TestServer start(UnaryOperator<TippenConfig> tweak) {
        try {
            return start(Files.createTempDirectory("tippen-test"), tweak);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestServer start(Path dataDir, UnaryOperator<TippenConfig> tweak) {
        TippenConfig config = tweak.apply(testDefaults(dataDir));
        return new TestServer(dataDir, List.of(App.start(config)), null);
    }

    /** Every test client shares 127.0.0.1, so limits are off unless a test turns them on. */
    static TippenConfig testDefaults(Path dataDir) {
        // The disk watermark too: a test's temp dir may sit on a small disk; the disk tests turn it on.
        TippenConfig d = TippenConfig.defaults(dataDir);
        return d.withPort(0).withDemo(true).withRates(TippenConfig.Rates.unlimited())
                .withLimits(d.limits().with(b -> b.minFreeDiskBytes = 0))
                .with(b -> b.exitGrace = EXIT_GRACE);
    }

    /** Creates a site directly in the store; a running server sees it within a second. */
    public static KeyStore.CreatedSite createSite(Path dataDir, String name) {
        try (SqliteKeyStore keys = new SqliteKeyStore(SqliteDatabase.open(dataDir))) {
            return keys.createSite(name, false);
        }
    }

    public KeyStore.CreatedSite createSite(String name) {
        KeyStore.CreatedSite site;
        try (KeyStore keys = keys()) {
            site = keys.createSite(name, false);
        }
        waitForKey(site.publicKey());
        return site;
    }

    /** Every node accepts the key. */
    public void waitForKey(String publicKey) {
        long deadline = System.currentTimeMillis() + 5000;
        int accepted = 0;
        while (System.currentTimeMillis() < deadline) {
            // A known key gets past authentication to the "not an upgrade" answer.
            if (get("/ws/visitor?visitorId=probe&apiKey=" + publicKey).status() == 400) {
                if (++accepted >= nodes.size()) return;
            } else {
                accepted = 0;
                sleep(100);
            }
        }
        throw new AssertionError("server never accepted the new key");
    }

    // ---- HTTP -----------------------------------------------------------------------------------

    public record Response(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return new JsonObject(body);
        }

        public String error() {
            return json().getString("error");
        }
    }

    public Response request(String method, String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nextPort()).resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path, String body, String... headers) {
        return request("POST", path, body, headers);
    }

    public Response get(String path) {
        return request("GET", path, null);
    }

    public Response track(String key, String event, String visitorId) {
        return post("/track/visitor", trackBody(event, visitorId), "Content-Type", "application/json", "X-Tippen-API-Key", key);
    }

    /** An event for the page the visitor is on: a page view's, for every kind of event. */
    public Response trackOnPage(String key, String event, String visitorId) {
        return post("/track/visitor", trackBody(event, visitorId, "https://example.com/p/pageview"), "Content-Type",
                "application/json", "X-Tippen-API-Key", key);
    }

    public static String trackBody(String event, String visitorId) {
        return trackBody(event, visitorId, "https://example.com/p/" + event);
    }

    public static String trackBody(String event, String visitorId, String url) {
        return new JsonObject().put("event", event).put("website", "example.com").put("visitor", new JsonObject()
                .put("visitorId", visitorId).put("url", url)
                .put("referrer", "https://www.google.com/").put("userAgent",
                        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
                .put("timestamp", "2026-11-24T10:00:00Z").put("screenResolution", "1920x1080")
                .put("language", "en-US").put("timezone", "Europe/Berlin")).encode();
    }

    public Response invite(String secretKey, String visitorId, String guestUrl) {
        return post("/api/send-video-invite", new JsonObject().put("apiKey", secretKey).put("visitorId", visitorId)
                .put("guestUrl", guestUrl).encode(), "Content-Type", "application/json");
    }

    // ---- WebSockets -----------------------------------------------------------------------------

    /**
     * The tests' WebSocket client: Vert.x's, on its own small event-loop group. Not the JDK's
     * java.net.http client, which now and then fails a long fragmented message with "Invalid UTF-8
     * in frame CONTINUATION" although every byte it was sent is ASCII (seen on JDK 17 and 25, with the
     * bytes recorded between it and the server). No Origin header unless a test gives one, as from a
     * tracker's or script's socket; messages as large as a big site's list; as many sockets as a test opens.
     */
    private static final io.vertx.core.Vertx CLIENT_LOOPS = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2));
    private static final io.vertx.core.http.WebSocketClient SOCKETS = CLIENT_LOOPS.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions().setMaxFrameSize(64 << 20).setMaxMessageSize(512 << 20)
                    // Vert.x queues a socket past 50 to one server until one closes; tests hold thousands.
                    .setMaxConnections(100_000));

    /** Waits up to 15 s for a client future; its failure is thrown as the cause of an unchecked exception. */
    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client socket that keeps every text message in arrival order. */
    public static final class Socket implements AutoCloseable {
        public final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        /** Why the client gave up on the socket, if it did (a frame it could not read, a broken connection). */
        public volatile Throwable failure;
        private io.vertx.core.http.WebSocket ws;

        private void open(io.vertx.core.http.WebSocket ws) {
            this.ws = ws;
            ws.textMessageHandler(text -> {
                try {
                    messages.add(new JsonObject(text));
                } catch (RuntimeException e) {
                    failure = e;
                    ws.close((short) 1007, "not JSON");
                }
            });
            ws.exceptionHandler(e -> {
                if (failure == null) failure = e;
            });
            // Closed without a close frame (the connection dropped): 1006, as RFC 6455 reports it.
            ws.closeHandler(v -> closeCode.complete(ws.closeStatusCode() == null ? 1006 : (int) ws.closeStatusCode()));
        }

        /** The next message within {@code millis}, or null; an interrupt is kept for the caller, as {@link #await} keeps it. */
        private JsonObject poll(long millis) {
            try {
                return messages.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private String failed() {
            return failure == null ? "" : "; the socket failed: " + failure;
        }

        public JsonObject next() {
            JsonObject m = poll(10_000);
            if (m == null) throw new AssertionError("no message within 10 s" + failed(), failure);
            return m;
        }

        /** The next message of this type; messages of other types before it are skipped. */
        public JsonObject next(String type) {
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                JsonObject m = poll(deadline - System.currentTimeMillis());
                if (m != null && type.equals(m.getString("type"))) return m;
            }
            throw new AssertionError("no " + type + " within 10 s" + failed(), failure);
        }

        /** No message of this type arrives for a while (others may). */
        public void assertNone(String type, long millis) {
            long deadline = System.currentTimeMillis() + millis;
            while (System.currentTimeMillis() < deadline) {
                JsonObject m = poll(Math.max(1, deadline - System.currentTimeMillis()));
                if (m != null) assertThat(m.getString("type")).as("no %s expected", type).isNotEqualTo(type);
            }
        }

        /** Nothing arrives for a while. */
        public void assertQuiet(long millis) {
            assertThat(poll(millis)).as("no message expected").isNull();
        }

        public void send(String text) {
            await(ws.writeTextMessage(text));
        }

        public int awaitClose() {
            try {
                return closeCode.get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("socket not closed within 15 s", e);
            }
        }

        /** Starts the closing handshake and returns; the server sees the socket go either way. */
        @Override
        public void close() {
            if (ws != null && !ws.isClosed()) ws.close((short) 1000, "bye");
        }
    }

    public Socket socket(String pathAndQuery) {
        return connect("ws://127.0.0.1:" + nextPort() + pathAndQuery);
    }

    /** A socket to any Tippen server, such as one running in a child process. */
    public static Socket connect(String url) {
        return connect(url, new String[0]);
    }

    /** With request headers, as name, value, name, value... (a console's Cookie and Origin). */
    public static Socket connect(String url, String... headers) {
        Socket s = new Socket();
        io.vertx.core.http.WebSocketConnectOptions options = new io.vertx.core.http.WebSocketConnectOptions()
                .setAbsoluteURI(url).setConnectTimeout(5_000);
        boolean origin = false;
        for (int i = 0; i < headers.length; i += 2) {
            options.addHeader(headers[i], headers[i + 1]);
            origin |= headers[i].equalsIgnoreCase("Origin");
        }
        // Vert.x sends an Origin of its own unless told not to, and then sends none at all.
        options.setAllowOriginHeader(origin);
        try {
            // Its handlers are set before it connects, so no frame can come before them.
            io.vertx.core.http.ClientWebSocket ws = SOCKETS.webSocket();
            s.open(ws);
            await(ws.connect(options));
        } catch (IllegalStateException e) {
            Throwable why = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("cannot open " + url + ": " + why, why);
        }
        return s;
    }

    /** A dashboard that understands VISITOR_REMOVED, as the console is; {@link #originalDashboard} is the original's kind. */
    public Socket dashboard(String secretKey) {
        return socket("/ws/dashboard?removals=true&apiKey=" + secretKey);
    }

    /** A dashboard as the original's connected: the key in the query, nothing more. */
    public Socket originalDashboard(String secretKey) {
        return socket("/ws/dashboard?apiKey=" + secretKey);
    }

    public Socket visitor(String publicKey, String visitorId) {
        return socket("/ws/visitor?apiKey=" + publicKey + "&visitorId=" + visitorId);
    }

    /** The status a refused upgrade answered with; {@code headers} as name, value, name, value... */
    public int refusedUpgrade(String pathAndQuery, String... headers) {
        String url = "ws://127.0.0.1:" + nextPort() + pathAndQuery;
        Socket s;
        try {
            s = connect(url, headers);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof io.vertx.core.http.UpgradeRejectedException r) return r.getStatus();
            throw new AssertionError("unexpected failure " + e.getCause(), e);
        }
        s.close();
        throw new AssertionError("upgrade to " + pathAndQuery + " was accepted");
    }

    /** One series of /metrics ({@code name{labels}} as printed), 0 when the server has not shown it yet. */
    /** Waits up to 15 s for {@code path} to answer {@code status}. */
    public void awaitStatus(String path, int status) {
        long deadline = System.currentTimeMillis() + 15_000;
        int last = -1;
        while (System.currentTimeMillis() < deadline) {
            last = get(path).status();
            if (last == status) return;
            sleep(100);
        }
        throw new AssertionError(path + " answered " + last + ", not " + status + ", for 15 s");
    }

    public double metric(String series) {
        String body;
        try {
            body = get("/metrics").body();
        } catch (IllegalStateException e) {
            // A pooled connection closed by the server while idle; ask again on a fresh one.
            body = get("/metrics").body();
        }
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1));
        }
        return 0;
    }

    public static List<String> ids(JsonObject listMessage) {
        List<String> out = new ArrayList<>();
        listMessage.getJsonArray("visitors").forEach(v -> out.add(((JsonObject) v).getString("visitorId")));
        return out;
    }

    /**
     * Waits, up to {@code timeout}, until {@code condition} holds (checked every 20 ms): a test waits
     * for what it expects, never a fixed time. Fails with {@code what} when it never holds.
     */
    public static void eventually(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened within " + timeout + ": " + what);
            sleep(20);
        }
    }

    /** The same, for a value: waits until {@code read} gives one that {@code ok} accepts, and returns it. */
    public static <T> T eventually(String what, Duration timeout, java.util.function.Supplier<T> read,
                                   java.util.function.Predicate<T> ok) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = read.get();
        while (!ok.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("never happened within " + timeout + ": " + what + "; last " + last);
            sleep(20);
            last = read.get();
        }
        return last;
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!owner) return;
        nodes.forEach(App::close);
        if (redis != null) redis.close();
    }
}
