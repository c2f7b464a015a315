package dev.tippen.fanout;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open socket and what the hub needs to know about it. Writes are bounded in bytes: a socket
 * with more than its budget written but not yet taken by the kernel has stopped reading, and is
 * closed rather than allowed to hold memory. A single message larger than the budget is written when
 * nothing else is pending, so a big site's full list reaches a healthy dashboard.
 *
 * <p>The budget is counted here rather than read from {@code writeQueueFull()}: for writes from
 * another thread (the site's lane), Vert.x 5 reports the queue full after 16 pending messages,
 * whatever their size, which closed healthy dashboards during bursts.
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
    private final long maxQueuedBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong oversized = new AtomicLong();
    private volatile long lastSeen = System.currentTimeMillis();
    private long lastTurn = lastSeen; // ping turns: touched only on the site's lane
    private long nextTurn;
    private volatile boolean closing;

    /** Who a socket belongs to, known before it is upgraded. */
    public record Spec(Kind kind, String siteId, String keyHash, String visitorId, boolean wantsCleanupList) {
    }

    public Connection(ServerWebSocket ws, Spec spec, long maxQueuedBytes, TippenMetrics metrics) {
        this.ws = ws;
        this.kind = spec.kind();
        this.siteId = spec.siteId();
        this.keyHash = spec.keyHash();
        this.visitorId = spec.visitorId();
        this.wantsCleanupList = spec.wantsCleanupList();
        this.maxQueuedBytes = maxQueuedBytes;
        this.metrics = metrics;
    }

    /** From any thread. Returns whether the message was queued for writing. */
    public boolean send(String json) {
        if (closing || ws.isClosed()) return false;
        long size = json.length();
        long queued = queuedBytes.addAndGet(size);
        // A message bigger than the budget (a large site's INITIAL_VISITORS) still goes to a socket
        // that has taken everything before it, and the budget grows by its size until it is written:
        // only a backlog of unread writes beyond that means a stalled reader.
        if (queued > maxQueuedBytes + oversized.get() && queued != size) {
            queuedBytes.addAndGet(-size);
            closing = true;
            metrics.slowSocketClosed(kind.label());
            ws.close(SLOW_CONSUMER, "slow consumer: stopped reading");
            return false;
        }
        boolean big = size > maxQueuedBytes;
        if (big) oversized.addAndGet(size);
        ws.writeFinalTextFrame(json).onComplete(done -> {
            queuedBytes.addAndGet(-size);
            if (big) oversized.addAndGet(-size);
        });
        return true;
    }

    public void close(short code, String reason) {
        if (closing) return;
        closing = true;
        ws.close(code, reason);
    }

    /**
     * Called about once a second from the site's lane. Each socket has its own turn once per
     * interval, at a random phase: sockets opened together (a reconnect storm, a deploy) would
     * otherwise all be pinged in the same tick, and the burst would hold up the site's real messages.
     * A socket that sent a message since its previous turn is not pinged; a pong does not count,
     * so a silent socket is pinged every interval and its pongs keep it inside the read timeout.
     */
    public void pingOnTurn(long now, long intervalMillis) {
        if (nextTurn == 0) nextTurn = lastTurn + 1 + java.util.concurrent.ThreadLocalRandom.current().nextLong(intervalMillis);
        if (now < nextTurn) return;
        boolean silent = lastSeen <= lastTurn;
        lastTurn = now;
        while (nextTurn <= now) nextTurn += intervalMillis; // the phase stays put, whatever the tick's drift
        if (silent && !closing && !ws.isClosed()) ws.writePing(io.vertx.core.buffer.Buffer.buffer());
    }

    /** A message arrived from the peer. */
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
