package dev.tippen.socket;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

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
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** 1008 (policy): the peer did not read what it was sent. */
    public static final short SLOW_CONSUMER = 1008;

    /**
     * Who a socket belongs to, known before it is upgraded. {@code sessionId} is the console session
     * that opened it (null for a key given in the URL), so signing out closes it.
     */
    public record Spec(Kind kind, String siteId, String keyHash, String visitorId, boolean wantsCleanupList,
                       String sessionId) {}

    private static final AtomicLongFieldUpdater<Connection> QUEUED = AtomicLongFieldUpdater.newUpdater(Connection.class, "queuedBytes");
    private static final AtomicLongFieldUpdater<Connection> OVERSIZED = AtomicLongFieldUpdater.newUpdater(Connection.class, "oversized");

    private final ServerWebSocket ws;
    private final Spec spec;
    private final TippenMetrics metrics;
    private final long maxQueuedBytes;
    private volatile long queuedBytes;
    private volatile long oversized;
    private volatile long lastSeen = System.currentTimeMillis();
    private long lastTurn = lastSeen; // touched only by the thread that pings this socket
    private volatile boolean closing;
    private int pingLoop;
    private int pingSlot;


    public Connection(ServerWebSocket ws, Spec spec, long maxQueuedBytes, TippenMetrics metrics) {
        this.ws = ws;
        this.spec = spec;
        this.maxQueuedBytes = maxQueuedBytes;
        this.metrics = metrics;
    }

    /** From any thread. Returns whether the message was queued for writing. */
    public boolean send(String json) {
        return send(Text.of(json));
    }

    /** From the site's lane: the message's bytes are shared with its other recipients. */
    public boolean send(Text text) {
        if (closing || ws.isClosed()) return false;
        long size = text.size();
        if (!admit(size)) return false;
        boolean big = size > maxQueuedBytes;
        if (big) OVERSIZED.addAndGet(this, size);
        ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, text.payload(), true)).onComplete(done -> {
            QUEUED.addAndGet(this, -size);
            if (big) OVERSIZED.addAndGet(this, -size);
        });
        return true;
    }

    /**
     * One fragment of a long message (a large site's list), written without building the whole
     * message: the first fragment is a text frame, the rest continuation frames, the last one final.
     * Completes once written, so the next fragment is made only then; the caller holds the socket's
     * other messages back until the last one. Fails when the socket is closed or stopped reading.
     */
    public io.vertx.core.Future<Void> sendFragment(String part, boolean first, boolean last) {
        if (closing || ws.isClosed()) return io.vertx.core.Future.failedFuture("socket closed");
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.copiedBuffer(part, java.nio.charset.StandardCharsets.UTF_8);
        long size = b.readableBytes();
        if (!admit(size)) {
            b.release();
            return io.vertx.core.Future.failedFuture("socket closed: slow consumer");
        }
        WebSocketFrameType type = first ? WebSocketFrameType.TEXT : WebSocketFrameType.CONTINUATION;
        return ws.writeFrame(new WebSocketFrameImpl(type, b, last)).andThen(done -> QUEUED.addAndGet(this, -size));
    }

    /** Whether the socket has room for {@code size} more bytes; a socket that has not taken what it was sent is closed. */
    private boolean admit(long size) {
        long queued = QUEUED.addAndGet(this, size);
        // A message bigger than the budget (a large site's INITIAL_VISITORS) still goes to a socket
        // that has taken everything before it, and the budget grows by its size until it is written:
        // only a backlog of unread writes beyond that means a stalled reader.
        if (queued > maxQueuedBytes + oversized && queued != size) {
            QUEUED.addAndGet(this, -size);
            closing = true;
            metrics.slowSocketClosed(spec.kind().label());
            ws.close(SLOW_CONSUMER, "slow consumer: stopped reading");
            return false;
        }
        return true;
    }

    /** Bytes written to the socket that the peer has not taken yet. */
    public long queuedBytes() {
        return queuedBytes;
    }

    public void close(short code, String reason) {
        if (closing) return;
        closing = true;
        ws.close(code, reason);
    }

    /**
     * The socket's ping turn, once per interval (see {@link PingWheel}). A socket that sent a message
     * since its previous turn is not pinged; a pong does not count, so a silent socket is pinged every
     * interval and its pongs keep it inside the read timeout.
     */
    void pingTurn(long now) {
        boolean silent = lastSeen <= lastTurn;
        lastTurn = now;
        if (silent && !closing && !ws.isClosed()) ws.writePing(Buffer.buffer());
    }

    /** Where the socket sits on the ping wheel: its event loop and its slot, chosen once as it opens. */
    void pingSlot(int loop, int slot) {
        pingLoop = loop;
        pingSlot = slot;
    }

    int pingLoop() {
        return pingLoop;
    }

    int pingSlot() {
        return pingSlot;
    }

    /** A message arrived from the peer. */
    public void seen() {
        lastSeen = System.currentTimeMillis();
    }

    public Kind kind() {
        return spec.kind();
    }

    public String siteId() {
        return spec.siteId();
    }

    public String keyHash() {
        return spec.keyHash();
    }

    public String visitorId() {
        return spec.visitorId();
    }

    public String sessionId() {
        return spec.sessionId();
    }

    public boolean wantsCleanupList() {
        return spec.wantsCleanupList();
    }
}
