package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.App;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections that need no key: an address holds a bounded number of them, and one that does not
 * finish its request's headers in time (slowloris) is closed, while well-behaved clients go on.
 */
class ConnectionLimitsTest {
    @Test
    void anAddressHoldsAtMostItsConnectionsAndTheRestAreClosedAtAccept() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withRates(c.rates().with(b -> b.connectionsPerIp = 20)))) {
            List<Socket> idle = new ArrayList<>();
            int firstRefused = -1;
            try {
                // The test's own HTTP client may hold a connection too: the 20th or the 21st is the first refused.
                for (int i = 0; i < 30 && firstRefused < 0; i++) {
                    Socket s = new Socket("127.0.0.1", server.app.port());
                    idle.add(s);
                    if (RawSocket.closedWithin(s, 300)) firstRefused = i;
                }
                assertThat(firstRefused).as("the first connection closed at accept").isBetween(19, 20);
                assertThat(RawSocket.closedWithin(idle.get(0), 300)).as("the first ones stay").isFalse();
            } finally {
                for (Socket s : idle) s.close();
            }
            // Once they are gone, the address is welcome again.
            TestServer.eventually("the address may connect again", Duration.ofSeconds(5), () -> server.get("/healthz").status() == 200);
            assertThat(server.metric("tippen_rate_limited_total{limit=\"connections_ip\"}")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void headersThatDoNotArriveInTimeCloseTheConnection() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> b.headerTimeoutMillis = 1_000)))) {
            try (Socket silent = new Socket("127.0.0.1", server.app.port());
                 Socket dripping = new Socket("127.0.0.1", server.app.port())) {
                OutputStream out = dripping.getOutputStream();
                out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                long started = System.currentTimeMillis();
                // One header line every 300 ms: never done, always talking.
                boolean closed = false;
                for (int i = 0; i < 20 && !closed; i++) {
                    try {
                        out.write(("X-Drip-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException e) {
                        closed = true;
                    }
                    if (!closed) closed = RawSocket.closedWithin(dripping, 300);
                }
                assertThat(closed).as("the dripping connection is closed").isTrue();
                assertThat(System.currentTimeMillis() - started).isLessThan(5_000);
                assertThat(RawSocket.closedWithin(silent, 3_000)).as("the silent connection is closed").isTrue();
            }
            assertThat(server.get("/healthz").status()).isEqualTo(200);
            assertThat(server.metric("tippen_rate_limited_total{limit=\"header_timeout\"}")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aKeptAliveConnectionIsServedAgainWithinTheDeadline() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> b.headerTimeoutMillis = 1_500)))) {
            try (Socket s = new Socket("127.0.0.1", server.app.port())) {
                for (int i = 0; i < 3; i++) {
                    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(readAnswer(s)).startsWith("HTTP/1.1 200");
                    Thread.sleep(700);
                }
                // Idle past the deadline after its last answer: closed.
                assertThat(RawSocket.closedWithin(s, 3_000)).isTrue();
            }
        }
    }

    @Test
    void bodiesThatDoNotArriveInTimeAre408AndTheirConnectionsClosedWhileOthersAreServed() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> b.headerTimeoutMillis = 1_000)))) {
            byte[] whole = TestServer.trackBody("pageview", "v-whole").getBytes(StandardCharsets.UTF_8);
            String head = "POST /track/visitor HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Tippen-API-Key: " + App.DEMO_KEY + "\r\nContent-Length: ";
            try (Socket first = new Socket("127.0.0.1", server.app.port()); Socket second = new Socket("127.0.0.1", server.app.port())) {
                long started = System.currentTimeMillis();
                for (Socket s : List.of(first, second)) {
                    // A whole request first, on the same connection and so the same event loop: the loop's one
                    // timer is armed for it, and must still catch the body that follows, due later.
                    s.getOutputStream().write((head + whole.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().write(whole);
                    assertThat(readAnswer(s)).startsWith("HTTP/1.1 200");
                    s.getOutputStream().write((head + "200\r\n\r\n{\"visitorId\":").getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(300);
                }
                // Bodies that do arrive, meanwhile, are served as usual.
                for (int i = 0; i < 10; i++) assertThat(server.track(App.DEMO_KEY, "pageview", "v-" + i).status()).isEqualTo(200);
                for (Socket s : List.of(first, second)) {
                    String answer = readAnswer(s);
                    assertThat(answer).startsWith("HTTP/1.1 408").contains("request body not received within 1000 ms");
                    assertThat(RawSocket.closedWithin(s, 3_000)).as("its connection is closed").isTrue();
                }
                assertThat(System.currentTimeMillis() - started).isBetween(1_000L, 5_000L);
            }
            assertThat(server.metric("tippen_rate_limited_total{limit=\"body_timeout\"}")).isEqualTo(2);
        }
    }

    private static String readAnswer(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
    }
}
