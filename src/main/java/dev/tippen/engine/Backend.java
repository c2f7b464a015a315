package dev.tippen.engine;

import dev.tippen.call.AgentLines;
import dev.tippen.call.Signals;
import dev.tippen.site.KeyStore;
import dev.tippen.socket.Presence;
import dev.tippen.stream.Broker;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Engine;

/**
 * Everything that differs between one node and several: the engine that holds the sites, the key
 * store, the broker that brings committed changes to this node's stream, the seam calls signal through and
 * agents' lines, who knows where the
 * visitors' sockets are, and the outbox the history reads the recorded changes from. {@code App} wires one of the two and nothing else knows which.
 */
public record Backend(Engine engine, KeyStore keys, Broker broker, Presence presence, Outbox outbox, Signals signals,
                      AgentLines lines) implements AutoCloseable {
    @Override
    public void close() {
        signals.close();
        engine.close();
        keys.close();
    }
}
