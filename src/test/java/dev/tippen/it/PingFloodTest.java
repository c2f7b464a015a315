package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A peer that sends WebSocket PINGs and never reads the PONGs Vert.x answers with: on either socket
 * kind it is cut off within a second or two, while the node stays ready and other sites keep tracking.
 */
class PingFloodTest {
    private static final long FLOOD_MILLIS = 8_000;
    private static final int MAX_FRAMES = 2_000_000;

    @Test
    void aVisitorSocketFloodingPingsIsCutOff() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite attacker = server.createSite("Flooder");
            KeyStore.CreatedSite other = server.createSite("Bystander");
            flood(server, "/ws/visitor?apiKey=" + attacker.publicKey() + "&visitorId=flood", other, "socket_control_frames");
        }
    }

    @Test
    void aDashboardSocketFloodingPingsIsCutOff() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite attacker = server.createSite("Flooder");
            KeyStore.CreatedSite other = server.createSite("Bystander");
            flood(server, "/ws/dashboard?apiKey=" + attacker.secretKey(), other, "socket_control_frames");
        }
    }

    @Test
    void pongsThatAreNeverReadCountAgainstTheWriteBudget() throws Exception {
        // No per-second allowance here: only the bytes the peer leaves unread can stop it.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().with(b -> {
            b.controlFramesPerSecond = 0;
            b.socketWriteQueueBytes = 64 * 1024;
        })))) {
            KeyStore.CreatedSite attacker = server.createSite("Flooder");
            KeyStore.CreatedSite other = server.createSite("Bystander");
            flood(server, "/ws/visitor?apiKey=" + attacker.publicKey() + "&visitorId=flood", other, "socket_write_budget");
        }
    }

    @Test
    void aPeerPingingNowAndThenKeepsItsSocket() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Polite");
            try (RawSocket raw = RawSocket.open(server.app.port(), "/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=polite", 0)) {
                for (int i = 0; i < 5; i++) raw.write(RawSocket.ping(8));
                assertThat(raw.droppedWithin(1_500)).as("a few pings are fine").isFalse();
            }
        }
    }

    private static void flood(TestServer server, String path, KeyStore.CreatedSite other, String limit) throws IOException {
        long started = System.currentTimeMillis();
        boolean cutOff = false;
        int sent = 0;
        try (RawSocket raw = RawSocket.open(server.app.port(), path, 4096)) {
            byte[] burst = burst(500);
            while (System.currentTimeMillis() - started < FLOOD_MILLIS && sent < MAX_FRAMES) {
                try {
                    raw.write(burst);
                    sent += 500;
                } catch (IOException e) {
                    System.out.println("write failed: " + e);
                    cutOff = true;
                    break;
                }
            }
            if (!cutOff) cutOff = raw.droppedWithin(3_000);
        }
        long tookMillis = System.currentTimeMillis() - started;
        System.out.printf("ping flood on %s: %d frames sent, cut off after %d ms%n", path.substring(0, path.indexOf('?')), sent, tookMillis);
        assertThat(cutOff).as("the flooding socket is dropped").isTrue();
        assertThat(server.get("/readyz").status()).isEqualTo(200);
        assertThat(server.track(other.publicKey(), "pageview", "bystander").status()).isEqualTo(200);
        TestServer.eventually("the limit counted", Duration.ofSeconds(5),
                () -> server.metric("tippen_rate_limited_total{limit=\"" + limit + "\"}") >= 1);
    }

    private static byte[] burst(int frames) {
        byte[] one = RawSocket.ping(125);
        byte[] all = new byte[one.length * frames];
        for (int i = 0; i < frames; i++) System.arraycopy(one, 0, all, i * one.length, one.length);
        return all;
    }
}
