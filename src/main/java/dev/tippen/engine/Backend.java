package dev.tippen.engine;

import dev.tippen.site.KeyStore;
import dev.tippen.socket.Presence;
import dev.tippen.stream.Broker;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Engine;

/**
 * Everything that differs between one node and several: the engine that holds the sites, the key
 * store, the broker that brings committed changes to this node's stream, who knows where the
 * visitors' sockets are, and the outbox the history reads the recorded changes from. {@code App} wires one of the two and nothing else knows which.
 */
public record Backend(Engine engine, KeyStore keys, Broker broker, Presence presence, Outbox outbox) implements AutoCloseable {
    @Override
    public void close() {
        engine.close();
        keys.close();
    }
}
