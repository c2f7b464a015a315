package dev.tippen.cluster;

import dev.tippen.site.SiteLanes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's subscriptions: one dedicated Redis connection, subscribed to the channel of each site
 * that has a socket here, and to nothing else. Messages are handed to their site's lane in arrival
 * order, which Redis keeps per channel. Each site's numbering is checked: a gap, or a lost
 * connection, means messages may be missing, and the site's sockets are sent a fresh snapshot.
 */
final class SiteChannels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SiteChannels.class);

    /** One site's subscription; {@code lastSeq} is touched only on the site's lane. */
    private static final class Subscription {
        final Promise<Void> confirmed = Promise.promise();
        long lastSeq;
    }

    private final Vertx vertx;
    private final RedisLink link;
    private final SiteLanes lanes;
    private final BiConsumer<String, Envelope> deliver;
    private final Consumer<String> resync;
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile RedisConnection connection;
    private volatile boolean closed;

    /** {@code deliver} and {@code resync} are called on the site's lane. */
    SiteChannels(Vertx vertx, RedisLink link, SiteLanes lanes, BiConsumer<String, Envelope> deliver, Consumer<String> resync) {
        this.vertx = vertx;
        this.link = link;
        this.lanes = lanes;
        this.deliver = deliver;
        this.resync = resync;
    }

    void start() {
        connect();
    }

    private void connect() {
        if (closed) return;
        link.client().connect().onComplete(ar -> {
            if (ar.failed()) {
                vertx.setTimer(500, id -> connect());
                return;
            }
            RedisConnection c = ar.result();
            c.handler(this::onPush);
            c.exceptionHandler(err -> log.debug("event=subscriber_error error=\"{}\"", err.toString()));
            c.endHandler(v -> lost(c));
            connection = c;
            // Whatever was subscribed before is subscribed again, and its sockets resynchronised: the
            // messages published while the connection was down are gone.
            for (String siteId : List.copyOf(subscriptions.keySet())) {
                Subscription fresh = new Subscription();
                subscriptions.put(siteId, fresh);
                sendSubscribe(c, siteId, fresh);
                // Only once subscribed: a snapshot taken before could miss what is published meanwhile.
                fresh.confirmed.future().onSuccess(v -> lanes.execute(siteId, () -> resync.accept(siteId)));
            }
        });
    }

    private void lost(RedisConnection c) {
        if (connection != c) return;
        connection = null;
        if (!closed) {
            log.warn("event=subscriber_lost note=\"reconnecting; dashboards get a fresh list once back\"");
            vertx.setTimer(500, id -> connect());
        }
    }

    /** On the site's lane. Completes once Redis confirmed the subscription. */
    Future<Void> subscribe(String siteId) {
        Subscription s = subscriptions.get(siteId);
        if (s != null) return s.confirmed.future();
        s = new Subscription();
        subscriptions.put(siteId, s);
        RedisConnection c = connection;
        if (c == null) return Future.failedFuture(new IllegalStateException("not connected to Redis"));
        sendSubscribe(c, siteId, s);
        return s.confirmed.future();
    }

    /** Completes that subscription's own promise: a join waiting on it is answered even if the connection dropped. */
    private static void sendSubscribe(RedisConnection c, String siteId, Subscription s) {
        c.send(Request.cmd(Command.SUBSCRIBE).arg(new SiteKeys(siteId).channel())).onComplete(ar -> {
            if (ar.succeeded()) s.confirmed.tryComplete();
            else s.confirmed.tryFail(ar.cause());
        });
    }

    /** On the site's lane, once its last socket here closed. */
    void unsubscribe(String siteId) {
        if (subscriptions.remove(siteId) == null) return;
        RedisConnection c = connection;
        if (c != null) c.send(Request.cmd(Command.UNSUBSCRIBE).arg(new SiteKeys(siteId).channel()));
    }

    int count() {
        return subscriptions.size();
    }

    private void onPush(Response r) {
        if (r.size() < 3 || !"message".equals(r.get(0).toString())) return;
        String siteId = SiteKeys.siteOf(r.get(1).toString());
        Envelope e = Envelope.parse(r.get(2).toString());
        if (siteId == null || e == null) return;
        lanes.execute(siteId, () -> receive(siteId, e));
    }

    private void receive(String siteId, Envelope e) {
        Subscription s = subscriptions.get(siteId);
        if (s == null) return;
        boolean gap = s.lastSeq != 0 && e.seq() != s.lastSeq + 1;
        s.lastSeq = e.seq();
        if (gap) {
            log.warn("event=message_gap site={} note=\"sending the site's sockets a fresh snapshot\"", siteId);
            resync.accept(siteId);
        }
        deliver.accept(siteId, e);
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = connection;
        connection = null;
        if (c != null) c.close();
    }
}
