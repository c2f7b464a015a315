package dev.tippen.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Promise<Void> all = Promise.promise();
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count) return;
            String id = prefix + i;
            prepare.apply(id)
                    .compose(v -> Load.open(clients.get(i / PER_SOURCE_ADDRESS), server.port(),
                            "/ws/visitor?apiKey=" + server.publicKey + "&visitorId=" + id, onMessage))
                    .onComplete(ar -> {
                        if (ar.succeeded()) open.add(ar.result());
                        else failed.incrementAndGet();
                        if (finished.incrementAndGet() == count) all.complete();
                        step[0].run();
                    });
        };
        if (count == 0) all.complete();
        vertx.runOnContext(v -> {
            for (int i = 0; i < Math.min(IN_FLIGHT, count); i++) step[0].run();
        });
        all.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
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
