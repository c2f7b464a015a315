package dev.tippen.engine.redis;

import dev.tippen.engine.NoticeCodec;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.stream.Broker;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.SiteChange;
import dev.tippen.visitor.SiteRules;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker with several nodes: one dedicated Redis connection, subscribed to the channel of each
 * site that has a socket here, and to nothing else. The scripts publish each committed change on its
 * site's channel; here it is read back into notices and handed to this node's stream on the site's
 * lane, in arrival order, which Redis keeps per channel. Each site's numbering is checked: a gap, or
 * a lost connection, means changes may be missing, and the stream is told so (dashboards then read
 * the list afresh, and this node's socket counts are written again).
 */
final class RedisBroker implements Broker, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);

    /** One site's subscription; {@code lastSeq} is touched only on the site's lane. */
    private static final class Subscription {
        final Promise<Void> confirmed = Promise.promise();
        long lastSeq;
    }

    private final SiteLanes lanes;
    private final ChangeListener stream;
    private final RedisPresence presence;
    private final SiteRules rules;
    private final TippenMetrics metrics;
    private final Clock clock;
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Subscriber subscriber;

    RedisBroker(Vertx vertx, RedisLink link, SiteLanes lanes, ChangeListener stream, RedisPresence presence, SiteRules rules,
                TippenMetrics metrics, Clock clock) {
        this.lanes = lanes;
        this.stream = stream;
        this.presence = presence;
        this.rules = rules;
        this.metrics = metrics;
        this.clock = clock;
        this.subscriber = new Subscriber(vertx, link, "subscriber", this::onPush, this::connected,
                () -> log.warn("event=subscriber_lost note=\"reconnecting; dashboards get a fresh list once back\""));
    }

    void start() {
        subscriber.start();
    }

    /**
     * Whatever was subscribed before is subscribed again, and its sockets resynchronised: the
     * messages published while the connection was down are gone.
     */
    private void connected(RedisConnection c) {
        for (String siteId : List.copyOf(subscriptions.keySet())) {
            Subscription fresh = new Subscription();
            subscriptions.put(siteId, fresh);
            sendSubscribe(c, siteId, fresh);
            // Only once subscribed: a snapshot taken before could miss what is published meanwhile.
            fresh.confirmed.future().onSuccess(v -> lanes.execute(siteId, () -> resync(siteId)));
        }
    }

    /** On the site's lane. Completes once Redis confirmed the subscription. */
    @Override
    public Future<Void> listen(String siteId) {
        Subscription s = subscriptions.get(siteId);
        if (s != null) return s.confirmed.future();
        s = new Subscription();
        subscriptions.put(siteId, s);
        RedisConnection c = subscriber.connection();
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
    @Override
    public void unlisten(String siteId) {
        if (subscriptions.remove(siteId) == null) return;
        RedisConnection c = subscriber.connection();
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
            resync(siteId);
        }
        List<Notice> notices;
        try {
            notices = e.kind() == Envelope.EXPIRED ? expired(e.body()) : NoticeCodec.read(e.body());
        } catch (RuntimeException bad) {
            log.warn("event=unreadable_change site={} error=\"{}\"", siteId, bad.getMessage());
            resync(siteId);
            return;
        }
        stream.onChange(new SiteChange(siteId, e.seq(), notices));
    }

    /** A sweep's removed rows and the rows that remain, turned into notices by the same rules as on one node. */
    private List<Notice> expired(String body) {
        List<Visitor> removed = new ArrayList<>();
        List<Visitor> remaining = new ArrayList<>();
        List<Visitor> into = removed;
        for (String row : body.split("\n")) {
            if (row.equals("--")) {
                into = remaining;
            } else if (!row.isEmpty()) {
                Visitor v = VisitorWrites.visitorOf(row);
                if (v != null) into.add(v);
            }
        }
        return rules.expiry(removed, remaining, clock.millis());
    }

    /**
     * On the site's lane: changes may have been missed (the subscriber connection dropped, or the
     * numbering jumped), so the stream reads the site afresh, and this node's socket counts are
     * written again in case Redis lost them.
     */
    private void resync(String siteId) {
        metrics.resync();
        presence.reclaim(siteId);
        stream.onGap(siteId);
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
