package dev.tippen.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Near the descriptor limit, the last connections are kept for health checks, the console and the
 * team's routes: a tracking request there is answered 503 and its connection closed.
 */
class ConnectionGuardTest {
    @Test
    void theLastDescriptorsAreKeptForTheOperatorsRoutes() throws Exception {
        Vertx vertx = Vertx.vertx();
        // 64 usable descriptors: 32 for everyone, 32 in reserve.
        ConnectionGuard guard = new ConnectionGuard(vertx, new ClientAddress(List.of()), new TippenMetrics(), 0, 30_000,
                ConnectionGuard.FILES + 64, Set.of("/healthz"));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(false))
                .connectionHandler(guard::accepted)
                .requestHandler(req -> {
                    if (guard.admit(req)) req.response().end("ok");
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 33; i++) idle.add(new Socket("127.0.0.1", server.actualPort()));
            long deadline = System.currentTimeMillis() + 5_000;
            while (guard.open() < 33 && System.currentTimeMillis() < deadline) Thread.sleep(10);
            assertThat(guard.open()).isEqualTo(33);
            assertThat(get(server.actualPort(), "/track/visitor")).startsWith("HTTP/1.1 503");
            assertThat(get(server.actualPort(), "/healthz")).startsWith("HTTP/1.1 200");
        } finally {
            for (Socket s : idle) s.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            int n = in.read(buf);
            return n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
        }
    }
}
