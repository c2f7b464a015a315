package dev.tippen.engine.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Redis connection of its own for Pub/Sub (a subscribed connection can do nothing else), connected
 * again half a second after it is lost or refused, for as long as it is not closed. Its owner hears
 * each message pushed, each new connection (to subscribe again to what it listens to: what was
 * published while it was down is gone) and each loss.
 */
final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    static final long RETRY_MILLIS = 500;

    private final Vertx vertx;
    private final RedisLink link;
    private final String name;
    private final Consumer<Response> pushed;
    private final Consumer<RedisConnection> connected;
    private final Runnable lost;
    private volatile RedisConnection connection;
    private volatile boolean closed;

    /** {@code name}: for the log ({@code event=<name>_error}). */
    Subscriber(Vertx vertx, RedisLink link, String name, Consumer<Response> pushed, Consumer<RedisConnection> connected, Runnable lost) {
        this.vertx = vertx;
        this.link = link;
        this.name = name;
        this.pushed = pushed;
        this.connected = connected;
        this.lost = lost;
    }

    void start() {
        connect();
    }

    private void connect() {
        if (closed) return;
        link.client().connect().onComplete(ar -> {
            if (ar.failed()) {
                vertx.setTimer(RETRY_MILLIS, id -> connect());
                return;
            }
            RedisConnection c = ar.result();
            c.handler(pushed::accept);
            c.exceptionHandler(err -> log.debug("event={}_error error=\"{}\"", name, err.toString()));
            c.endHandler(v -> lost(c));
            connection = c;
            connected.accept(c);
        });
    }

    private void lost(RedisConnection c) {
        if (connection != c) return;
        connection = null;
        if (closed) return;
        lost.run();
        vertx.setTimer(RETRY_MILLIS, id -> connect());
    }

    /** The connection now, or null while there is none. */
    RedisConnection connection() {
        return connection;
    }

    void close() {
        closed = true;
        RedisConnection c = connection;
        connection = null;
        if (c != null) c.close();
    }
}
