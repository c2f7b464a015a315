package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 5,000 sockets opening at once, and connections that go silent at every stage (never send a byte,
 * stop half-way through the request, or finish the upgrade and then never answer a ping). The
 * server keeps answering throughout and closes the silent ones on its idle timeout.
 */
class ConnectionStormTest {
    private static final int STORM = Integer.getInteger("storm", 5_000);

    @Test
    void fiveThousandSocketsOpeningAtOnceAllOpenWhileTheServerKeepsAnswering() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Storm");
            Vertx vertx = Vertx.vertx();
            try {
                long started = System.nanoTime();
                List<Future<WebSocket>> storm = connect(vertx, server, site, "storm", STORM);
                // While the storm is being accepted, the server still answers tracking and health checks.
                assertThat(server.track(site.publicKey(), "pageview", "during_storm").status()).isEqualTo(200);
                assertThat(server.get("/healthz").status()).isEqualTo(200);

                awaitAll(storm);
                long openedMillis = (System.nanoTime() - started) / 1_000_000;
                TestServer.eventually("every storm socket counted", Duration.ofSeconds(10),
                        () -> server.metric("tippen_open_sockets{kind=\"visitor\"}") == STORM);
                assertThat(server.track(site.publicKey(), "heartbeat", "during_storm").status()).isEqualTo(200);
                System.out.printf("storm: %d sockets opened at once in %d ms%n", STORM, openedMillis);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void silentConnectionsAreClosedByTheIdleTimeoutAndLiveOnesStay() throws Exception {
        // Pinged every second, so a connection silent for 3 s is closed.
        try (TestServer server = TestServer.start(c -> c.withPingInterval(Duration.ofSeconds(1)))) {
            KeyStore.CreatedSite site = server.createSite("Silent");
            Vertx vertx = Vertx.vertx();
            try {
                List<Future<WebSocket>> live = connect(vertx, server, site, "live", 100);
                awaitAll(live);
                List<Socket> silent = new ArrayList<>();
                for (int i = 0; i < 300; i++) silent.add(new Socket("127.0.0.1", server.app.port()));
                for (int i = 0; i < 100; i++) silent.add(partialRequest(server.app.port()));
                for (int i = 0; i < 100; i++) silent.add(upgradedThenMute(server.app.port(), site.publicKey(), "mute" + i));
                assertThat(server.track(site.publicKey(), "pageview", "while_silent").status()).isEqualTo(200);

                long deadline = System.currentTimeMillis() + 20_000;
                for (Socket s : silent) assertThat(closedByServer(s, deadline)).as("silent connection closed").isTrue();
                // Live sockets answer the pings (Vert.x answers them by itself) and stay open.
                assertThat(live.stream().filter(f -> f.result().isClosed()).count()).as("live sockets closed").isZero();
                // The gauge falls when the server's close handler has run, a moment after the client sees the close.
                TestServer.eventually("only the live sockets counted", Duration.ofSeconds(10),
                        () -> server.metric("tippen_open_sockets{kind=\"visitor\"}") == 100);
                System.out.printf("idle timeout: %d silent connections closed, 100 live sockets kept%n", silent.size());
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The clients stay referenced for the whole test: Vert.x closes a client, and every socket it
     * opened, once the client object is garbage collected.
     */
    private final List<WebSocketClient> clients = new ArrayList<>();

    /** Starts {@code count} visitor sockets at once, without waiting for any. */
    private List<Future<WebSocket>> connect(Vertx vertx, TestServer server, KeyStore.CreatedSite site,
                                            String prefix, int count) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(count)
                .setConnectTimeout(60_000));
        clients.add(client);
        List<Future<WebSocket>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opening.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.app.port())
                    .setURI("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=" + prefix + i)));
        }
        return opening;
    }

    private static void awaitAll(List<Future<WebSocket>> opening) throws Exception {
        try {
            Future.join(opening).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            java.util.Map<String, Long> why = new java.util.TreeMap<>();
            for (Future<WebSocket> f : opening) if (f.failed()) why.merge(String.valueOf(f.cause()), 1L, Long::sum);
            throw new AssertionError("sockets failed to open: " + why);
        }
    }

    /** A request line and one header, then nothing more. */
    private static Socket partialRequest(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /ws/visitor?apiKey=x HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** A real WebSocket upgrade, then a client that never reads again and so never answers a ping. */
    private static Socket upgradedThenMute(int port, String key, String visitorId) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws/visitor?apiKey=" + key + "&visitorId=" + visitorId + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.setSoTimeout(10_000);
        byte[] head = new byte[12];
        assertThat(s.getInputStream().readNBytes(head, 0, 12)).isEqualTo(12);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
        return s;
    }

    /** Reads (and discards pings and greetings) until the server closes the connection. */
    private static boolean closedByServer(Socket s, long deadline) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        while (System.currentTimeMillis() < deadline) {
            s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            try {
                if (in.read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server: closed as well
            }
        }
        return false;
    }
}
