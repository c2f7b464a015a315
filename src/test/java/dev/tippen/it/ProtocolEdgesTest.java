package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What two parsers could read two ways, and frames the WebSocket protocol forbids: each refused
 * with the status the protocol names, never a 500, a second request smuggled in, or an open socket.
 */
class ProtocolEdgesTest {
    @Test
    void aFrameWithReservedBitsClosesTheSocketWith1002() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Frames");
            try (RawSocket raw = RawSocket.open(server.app.port(), "/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=rsv", 0)) {
                raw.write(RawSocket.frame(0x80 | 0x40 | RawSocket.TEXT, "{\"type\":\"PING\"}".getBytes(StandardCharsets.UTF_8)));
                assertThat(raw.closeStatus(5_000)).isEqualTo(1002);
            }
        }
    }

    @Test
    void textThatIsNotUtf8ClosesTheSocketWith1007() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Frames");
            try (RawSocket raw = RawSocket.open(server.app.port(), "/ws/dashboard?apiKey=" + site.secretKey(), 0)) {
                raw.write(RawSocket.frame(0x80 | RawSocket.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
                assertThat(raw.closeStatus(5_000)).isEqualTo(1007);
            }
        }
    }

    @Test
    void anUnknownTransferEncodingIsRefusedAndNothingAfterItIsRead() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Smuggle");
            String smuggled = "POST /track/visitor?apiKey=" + site.publicKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + TestServer.trackBody("pageview", "smuggled").length() + "\r\n\r\n"
                    + TestServer.trackBody("pageview", "smuggled");
            String answer = exchange(server.app.port(), "POST /track/visitor?apiKey=" + site.publicKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Transfer-Encoding: xchunked\r\nContent-Type: application/json\r\n\r\n" + smuggled);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("Transfer-Encoding");
            assertThat(answer.split("HTTP/1.1 ", -1)).as("one answer only").hasSize(2);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).doesNotContain("smuggled");
            }
        }
    }

    @Test
    void twoHostHeadersAreRefused() throws Exception {
        try (TestServer server = TestServer.start()) {
            String answer = exchange(server.app.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400").contains("Host");
        }
    }

    @Test
    void aChunkSizeThatOverflowsIsA400WithoutAStackTrace() throws Exception {
        try (TestServer server = TestServer.start(); LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            KeyStore.CreatedSite site = server.createSite("Chunks");
            String answer = exchange(server.app.port(), "POST /track/visitor?apiKey=" + site.publicKey() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(log.lines()).noneMatch(l -> l.contains("unhandled_error"));
            String invite = exchange(server.app.port(), "POST /api/send-video-invite HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n");
            assertThat(invite).startsWith("HTTP/1.1 400");
            assertThat(log.lines()).noneMatch(l -> l.contains("unhandled_error"));
        }
    }

    @Test
    void aConsoleSessionIsRefusedFromThePlainHttpOriginOfAnHttpsConsole() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Scheme");
            String origin = "http://127.0.0.1:" + server.app.port();
            TestServer.Response signIn = server.post("/console/session", "{\"secretKey\":\"" + site.secretKey() + "\"}",
                    "Origin", origin, "Content-Type", "application/json");
            assertThat(signIn.status()).isEqualTo(200);
            String cookie = signIn.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            assertThat(server.request("GET", "/api/visits", null, "Cookie", cookie, "Origin", origin).status()).isEqualTo(200);
            // Same host and port, another scheme: another origin.
            TestServer.Response other = server.request("GET", "/api/visits", null, "Cookie", cookie, "Origin", "https://127.0.0.1:" + server.app.port());
            assertThat(other.status()).isEqualTo(403);
        }
    }

    @Test
    void aMessageIsJoinedFromItsFragmentsWithinItsBoundAndAClosingHandshakeIsAnswered() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Fragments");
            String path = "/ws/dashboard?apiKey=" + site.secretKey();
            try (RawSocket raw = RawSocket.open(server.app.port(), path, 0)) {
                assertThat(raw.next(5_000).text()).contains("INITIAL_VISITORS");
                // A PING in three frames, a ping between two of them: the message arrives whole, and is answered.
                raw.write(RawSocket.frame(RawSocket.TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8)));
                raw.write(RawSocket.ping(4));
                raw.write(RawSocket.frame(0, "\"PI".getBytes(StandardCharsets.UTF_8)));
                raw.write(RawSocket.frame(0x80, "NG\"}".getBytes(StandardCharsets.UTF_8)));
                assertThat(raw.next(5_000).text()).contains("\"type\":\"PONG\"");
                // The client closes: the server answers with the same status and ends the connection.
                raw.write(RawSocket.frame(0x80 | RawSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}));
                RawSocket.Message answer = raw.next(5_000);
                assertThat(answer.opcode()).isEqualTo(RawSocket.CLOSE);
                assertThat(answer.closeStatus()).isEqualTo(1000);
                assertThat(raw.droppedWithin(5_000)).isTrue();
            }
            try (RawSocket raw = RawSocket.open(server.app.port(), path, 0)) {
                raw.next(5_000);
                // Fragments each well under the frame bound, together past the message bound (64 KiB).
                byte[] part = "x".repeat(40 * 1024).getBytes(StandardCharsets.UTF_8);
                raw.write(RawSocket.frame(RawSocket.TEXT, part));
                raw.write(RawSocket.frame(0x80, part));
                assertThat(raw.closeStatus(5_000)).isEqualTo(1009);
            }
            String old = exchange(server.app.port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            assertThat(old).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13").contains("{\"error\":");
        }
    }

    @Test
    void aPeerThatSendsNoFrameForThreePingIntervalsIsDroppedAndOneThatAnswersPingsStays() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withPingInterval(java.time.Duration.ofSeconds(1)))) {
            KeyStore.CreatedSite site = server.createSite("Quiet");
            try (TestServer.Socket answering = server.dashboard(site.secretKey());
                 RawSocket silent = RawSocket.open(server.app.port(), "/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=quiet", 0)) {
                answering.next("INITIAL_VISITORS");
                long t0 = System.nanoTime();
                // The raw socket reads the server's pings and answers none: a half-open peer, as the server sees it.
                assertThat(silent.droppedWithin(10_000)).isTrue();
                assertThat((System.nanoTime() - t0) / 1_000_000).as("not before three intervals").isGreaterThanOrEqualTo(2_500);
                answering.send("{\"type\":\"PING\"}");
                assertThat(answering.next().getString("type")).as("the client that answers pings is still there").isEqualTo("PONG");
            }
        }
    }

    /** Writes one request (or several), and reads what comes back until the server closes or goes quiet. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(3_000);
            InputStream in = s.getInputStream();
            StringBuilder b = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                int n;
                while ((n = in.read(buf)) > 0) b.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // quiet or reset: what came is the answer
            }
            return b.toString();
        }
    }
}
