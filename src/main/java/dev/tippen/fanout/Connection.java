package dev.tippen.fanout;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.http.ServerWebSocket;

/**
 * One open socket and what the hub needs to know about it. Writes are bounded: a socket whose write
 * queue is full has stopped reading, and is closed rather than allowed to hold memory.
 */
public final class Connection {
    public enum Kind {
        DASHBOARD, VISITOR;

        public String label() {
            return name().toLowerCase();
        }
    }

    /** 1008 (policy): the peer did not read what it was sent. */
    public static final short SLOW_CONSUMER = 1008;

    private final ServerWebSocket ws;
    private final Kind kind;
    private final String siteId;
    private final String keyHash;
    private final String visitorId;
    private final boolean wantsCleanupList;
    private final TippenMetrics metrics;
    private volatile long lastSeen = System.currentTimeMillis();
    private volatile boolean closing;

    public Connection(ServerWebSocket ws, Kind kind, String siteId, String keyHash, String visitorId,
                      boolean wantsCleanupList, TippenMetrics metrics) {
        this.ws = ws;
        this.kind = kind;
        this.siteId = siteId;
        this.keyHash = keyHash;
        this.visitorId = visitorId;
        this.wantsCleanupList = wantsCleanupList;
        this.metrics = metrics;
    }

    /** Returns whether the message was written. */
    public boolean send(String json) {
        if (closing || ws.isClosed()) return false;
        if (ws.writeQueueFull()) {
            closing = true;
            metrics.slowSocketClosed(kind.label());
            ws.close(SLOW_CONSUMER, "slow consumer: stopped reading");
            return false;
        }
        ws.writeFinalTextFrame(json);
        return true;
    }

    public void close(short code, String reason) {
        if (closing) return;
        closing = true;
        ws.close(code, reason);
    }

    public void ping(long now, long idleMillis) {
        if (!closing && now - lastSeen >= idleMillis && !ws.isClosed()) ws.writePing(io.vertx.core.buffer.Buffer.buffer());
    }

    public void seen() {
        lastSeen = System.currentTimeMillis();
    }

    public Kind kind() {
        return kind;
    }

    public String siteId() {
        return siteId;
    }

    public String keyHash() {
        return keyHash;
    }

    public String visitorId() {
        return visitorId;
    }

    public boolean wantsCleanupList() {
        return wantsCleanupList;
    }
}
