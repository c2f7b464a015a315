package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Many visitor sockets held open by one client process. Connections come from several loopback
 * source addresses (5,000 each) so no single address runs short of ephemeral ports, and at most
 * 256 handshakes are in flight at once so the test measures the server, not a SYN flood.
 */
final class VisitorSockets implements AutoCloseable {
    static final int PER_SOURCE_ADDRESS = 5_000;
    private static final int IN_FLIGHT = 256;

    private final List<WebSocketClient> clients;
    private final ConcurrentLinkedQueue<WebSocket> open;
    private final int failed;

    private VisitorSockets(List<WebSocketClient> clients, ConcurrentLinkedQueue<WebSocket> open, int failed) {
        this.clients = clients;
        this.open = open;
        this.failed = failed;
    }

    /**
     * Opens {@code count} sockets for visitors {@code prefix0..prefixN-1}; {@code prepare} runs first
     * for each visitor (e.g. tracking it), and every message after the greeting goes to {@code onMessage}.
     */
    static VisitorSockets open(Vertx vertx, ChildServer server, int count, String prefix,
                               Function<String, Future<Void>> prepare, Consumer<String> onMessage) throws Exception {
        List<WebSocketClient> clients = new ArrayList<>();
        for (int i = 0; i * PER_SOURCE_ADDRESS < count; i++) {
            clients.add(Load.sockets(vertx, "127.0.0." + (2 + i), PER_SOURCE_ADDRESS));
        }
        ConcurrentLinkedQueue<WebSocket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        Load.bounded(vertx, count, IN_FLIGHT, i -> {
            String id = prefix + i;
            return prepare.apply(id)
                    .compose(v -> Load.open(clients.get(i / PER_SOURCE_ADDRESS), server.port(),
                            "/ws/visitor?apiKey=" + server.publicKey + "&visitorId=" + id, onMessage))
                    .transform(ar -> {
                        if (ar.succeeded()) open.add(ar.result());
                        else failed.incrementAndGet();
                        return Future.succeededFuture();
                    });
        });
        return new VisitorSockets(clients, open, failed.get());
    }

    int opened() {
        return open.size();
    }

    int failed() {
        return failed;
    }

    @Override
    public void close() {
        for (WebSocketClient c : clients) c.close();
        open.clear();
    }
}
