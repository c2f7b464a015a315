package dev.tippen.call;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Signals on one node: straight from the publisher to the call's handlers here. */
public final class LocalSignals implements Signals {
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();

    @Override
    public Future<Void> subscribe(String callId, Consumer<String> handler) {
        handlers.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).add(handler);
        return Future.succeededFuture();
    }

    @Override
    public void unsubscribe(String callId, Consumer<String> handler) {
        handlers.computeIfPresent(callId, (k, list) -> {
            list.remove(handler);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void publish(String callId, String message) {
        List<Consumer<String>> list = handlers.get(callId);
        if (list != null) for (Consumer<String> h : list) h.accept(message);
    }
}
