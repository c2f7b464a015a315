package dev.tippen.socket;

import dev.tippen.site.SiteLanes;
import dev.tippen.stream.Broker;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;

/**
 * How a socket joins its site's stream without missing or doubling a change: it is attached and held
 * at once, the site is listened to (and a visitor socket counted) before its snapshot is read, and on
 * release only the changes newer than the snapshot follow it. The same on one node (where the
 * snapshot is at hand) and on several (where it comes from Redis).
 *
 * <p>When a visitor's last socket on any node closes, {@code lastSocketClosed} hears of it (with the
 * time it closed): the page
 * may be gone (the original tracker says so only that way). Not while the node stops: its sockets
 * close then because the server goes, not the visitor.
 */
public final class Joins {
    /** A snapshot ready to be sent: the number of the last change it reflects, and how to send it. */
    public interface Greeting {
        long seq();

        /** On the site's lane; completes once written (a long list is streamed a part at a time). */
        Future<Void> send();

        /** A snapshot numbered {@code seq}, sent by {@code send}. */
        static Greeting of(long seq, Supplier<Future<Void>> send) {
            return new Greeting() {
                @Override
                public long seq() {
                    return seq;
                }

                @Override
                public Future<Void> send() {
                    return send.get();
                }
            };
        }
    }

    private final SiteLanes lanes;
    private final Hub hub;
    private final Broker broker;
    private final Presence presence;
    private final ObjLongConsumer<Connection> lastSocketClosed;
    private volatile boolean stopping;
    /**
     * Sockets whose snapshot is being read, with the snapshot to send once more when another was asked
     * for meanwhile ({@link #NOTHING_MORE} if none): one read at a time per socket keeps them in order.
     */
    private final ConcurrentHashMap<Connection, Supplier<Future<? extends Greeting>>> refreshing = new ConcurrentHashMap<>();
    private static final Supplier<Future<? extends Greeting>> NOTHING_MORE = () -> null;

    public Joins(SiteLanes lanes, Hub hub, Broker broker, Presence presence, ObjLongConsumer<Connection> lastSocketClosed) {
        this.lanes = lanes;
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.lastSocketClosed = lastSocketClosed;
    }

    /** The node is stopping: sockets closing from now on are not visitors leaving. */
    public void stopping() {
        stopping = true;
    }

    /** Puts an open socket in its site's hub and greets it; returns what to run when it closes. */
    public Runnable join(Connection c, Supplier<Future<? extends Greeting>> snapshot) {
        String siteId = c.siteId();
        lanes.execute(siteId, () -> {
            hub.attach(c);
            hub.hold(c);
            refreshing.put(c, NOTHING_MORE);
            Future<Void> ready = broker.listen(siteId);
            if (c.kind() == Connection.Kind.VISITOR) ready = ready.compose(v -> presence.add(c));
            greetWhenReady(c, ready, snapshot);
        });
        return () -> lanes.execute(siteId, () -> {
            long closedAt = System.currentTimeMillis();
            hub.detach(c);
            refreshing.remove(c);
            if (c.kind() == Connection.Kind.VISITOR) {
                presence.remove(c).onSuccess(left -> {
                    if (left == 0 && !stopping) lastSocketClosed.accept(c, closedAt);
                });
            }
            if (!hub.hasSockets(siteId)) broker.unlisten(siteId);
        });
    }

    /** Sends an open socket a fresh snapshot, in order with the stream (a dashboard's GET_VISITORS, a resync). */
    public void refresh(Connection c, Supplier<Future<? extends Greeting>> snapshot) {
        lanes.execute(c.siteId(), () -> {
            if (refreshing.containsKey(c)) {
                refreshing.put(c, snapshot);
                return;
            }
            refreshing.put(c, NOTHING_MORE);
            hub.hold(c);
            greetWhenReady(c, Future.succeededFuture(), snapshot);
        });
    }

    private void greetWhenReady(Connection c, Future<Void> ready, Supplier<Future<? extends Greeting>> snapshot) {
        String siteId = c.siteId();
        lanes.backTo(siteId, ready.compose(v -> snapshot.get())).onComplete(ar -> {
            if (ar.failed()) {
                hub.release(c, Long.MAX_VALUE);
                refreshing.remove(c);
                c.close((short) 1013, "storage unavailable; reconnect shortly");
                return;
            }
            Greeting g = ar.result();
            lanes.backTo(siteId, g.send()).onComplete(sent -> {
                hub.release(c, g.seq());
                Supplier<Future<? extends Greeting>> again = refreshing.remove(c);
                if (again != null && again != NOTHING_MORE) refresh(c, again);
            });
        });
    }
}
