package dev.tippen.call;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * The ephemeral seam beside the durable change stream: a call's signalling messages (offers,
 * answers, ICE candidates, presence) reach the node of each party, whichever node published them.
 * Nothing is stored: a message published while nobody listens is gone, which the parties' own
 * presence messages make up for. In memory on one node; Redis Pub/Sub with several.
 */
public interface Signals extends AutoCloseable {
    /** Messages published for the call from now on reach {@code handler}; completes once none can be missed. */
    Future<Void> subscribe(String callId, Consumer<String> handler);

    /** Stops delivering to that handler. */
    void unsubscribe(String callId, Consumer<String> handler);

    void publish(String callId, String message);

    @Override
    default void close() {}
}
