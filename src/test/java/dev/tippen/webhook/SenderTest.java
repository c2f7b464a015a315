package dev.tippen.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The address check is made by the HTTP client's own resolver, for the connection it opens: a
 * loopback target gets nothing, whether named by an address or by a name, and is let through only
 * where private targets are allowed.
 */
class SenderTest {

    @Test
    void theClientsResolverRefusesPrivateTargetsAtEverySend() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        server.createContext("/", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        try (Sender strict = new Sender(new TargetGuard(true, false), Duration.ofSeconds(5), 2);
             Sender open = new Sender(new TargetGuard(true, true), Duration.ofSeconds(5), 2)) {
            for (String url : new String[] {"http://127.0.0.1:" + port + "/h", "http://localhost:" + port + "/h"}) {
                Sender.Outcome refused = strict.post(url, "{}".getBytes(), Map.of());
                assertThat(refused.status()).as(url).isNull();
                assertThat(refused.error()).as(url).startsWith("refused:").contains("loopback");
            }
            assertThat(hits).hasValue(0);
            Sender.Outcome sent = open.post("http://127.0.0.1:" + port + "/h", "{}".getBytes(), Map.of());
            assertThat(sent.status()).isEqualTo(200);
            assertThat(hits).hasValue(1);
        } finally {
            server.stop(0);
        }
    }
}
