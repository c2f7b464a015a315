package dev.tippen.engine.redis;

import dev.tippen.call.Signals;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls' signals between nodes: Redis Pub/Sub on one channel per call ({@code tippen:call:<id>}), to
 * which this node subscribes while it holds one of the call's sockets. Nothing is stored; a message
 * published while the subscriber connection was down is lost, and the parties' presence messages,
 * sent again when a page reconnects, make up for it.
 */
final class RedisSignals implements Signals {
    private static final Logger log = LoggerFactory.getLogger(RedisSignals.class);
    private static final String PREFIX = SiteKeys.PREFIX + "call:";

    private final RedisLink link;
    private final Subscriber subscriber;
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private volatile Promise<Void> connected = Promise.promise();

    RedisSignals(Vertx vertx, RedisLink link) {
        this.link = link;
        this.subscriber = new Subscriber(vertx, link, "signals", this::onPush, this::connected, () -> connected = Promise.promise());
    }

    void start() {
        subscriber.start();
    }

    private void connected(RedisConnection c) {
        for (String callId : List.copyOf(handlers.keySet())) c.send(Request.cmd(Command.SUBSCRIBE).arg(PREFIX + callId));
        connected.tryComplete();
    }

    private void onPush(Response r) {
        if (r.size() < 3 || !"message".equals(r.get(0).toString())) return;
        String channel = r.get(1).toString();
        if (!channel.startsWith(PREFIX)) return;
        List<Consumer<String>> list = handlers.get(channel.substring(PREFIX.length()));
        if (list == null) return;
        String message = r.get(2).toString();
        for (Consumer<String> h : list) h.accept(message);
    }

    @Override
    public Future<Void> subscribe(String callId, Consumer<String> handler) {
        boolean first = handlers.computeIfAbsent(callId, k -> new CopyOnWriteArrayList<>()).isEmpty();
        handlers.get(callId).add(handler);
        if (!first) return Future.succeededFuture();
        return connected.future().compose(v -> {
            RedisConnection c = subscriber.connection();
            if (c == null) return Future.failedFuture("not connected to Redis");
            return c.send(Request.cmd(Command.SUBSCRIBE).arg(PREFIX + callId)).mapEmpty();
        });
    }

    @Override
    public void unsubscribe(String callId, Consumer<String> handler) {
        List<Consumer<String>> left = handlers.computeIfPresent(callId, (k, list) -> {
            list.remove(handler);
            return list.isEmpty() ? null : list;
        });
        RedisConnection c = subscriber.connection();
        if (left == null && c != null) c.send(Request.cmd(Command.UNSUBSCRIBE).arg(PREFIX + callId));
    }

    @Override
    public void publish(String callId, String message) {
        link.send(Request.cmd(Command.PUBLISH).arg(PREFIX + callId).arg(message))
                .onFailure(err -> log.warn("event=signal_lost call={} error=\"{}\"", callId, err.toString()));
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
