package dev.tippen.socket;

import dev.tippen.config.RateLimit;
import dev.tippen.metrics.TippenMetrics;
import io.github.bucket4j.Bucket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One open socket and what the hub needs to know about it. Writes are bounded in bytes: a socket
 * with more than its budget written but not yet taken by the kernel has stopped reading, and is
 * closed rather than allowed to hold memory. A single message larger than the budget is written when
 * nothing else is pending, so a big site's full list reaches a healthy dashboard.
 *
 * <p>Messages go to Netty directly, in batches ({@link LoopWriter}): one hand-over per event loop and
 * one flush per socket per batch, where Vert.x's socket took a task, a promise and a flush for each.
 * So the budget is counted here: what waits for the next batch, plus what the channel still holds.
 *
 * <p>Control frames count too. Every PING is answered with a PONG ({@link NettySocket}), outside any
 * budget, so a peer that sends pings and never reads would pile pongs up in the channel until the
 * heap is gone. Each control frame the peer sends is therefore counted against a per-second allowance, and
 * the channel's own backlog (pongs, closes, our messages alike) against the write budget; a peer over
 * either is cut off: reading stops at once, a 1008 close is offered, and the connection is dropped a
 * moment later whether or not the peer read it (a peer that does not read never takes the close).
 */
public final class Connection {
    public enum Kind {
        DASHBOARD, VISITOR, CALL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** 1008 (policy): the peer did not read what it was sent, or broke a limit. */
    public static final short SLOW_CONSUMER = 1008;
    /** How long a peer cut off for abuse has to take its close frame before the connection is dropped. */
    static final long CUT_OFF_GRACE_MILLIS = 1_000;

    /**
     * Who a socket belongs to, known before it is upgraded. {@code sessionId} is the console session
     * that opened it (null for a key given in the URL), so signing out closes it. {@code bound}: a
     * visitor socket that presented its visitor's token, so it is the tracker's own. {@code removals}: a
     * dashboard that understands VISITOR_REMOVED; the others are told of departures the original's way,
     * by a fresh VISITOR_LIST. {@code trails}: a dashboard sent each visitor's trail in lists and updates;
     * one that asks for trails only when it shows one (the console) is sent lighter visitors.
     */
    public record Spec(Kind kind, String siteId, String keyHash, String visitorId, boolean wantsCleanupList,
                       String sessionId, boolean bound, boolean removals, boolean trails) {
        public Spec(Kind kind, String siteId, String keyHash, String visitorId, boolean wantsCleanupList,
                    String sessionId, boolean bound, boolean removals) {
            this(kind, siteId, keyHash, visitorId, wantsCleanupList, sessionId, bound, removals, true);
        }
    }

    private static final AtomicLongFieldUpdater<Connection> QUEUED = AtomicLongFieldUpdater.newUpdater(Connection.class, "queuedBytes");
    private static final AtomicLongFieldUpdater<Connection> OVERSIZED = AtomicLongFieldUpdater.newUpdater(Connection.class, "oversized");

    private final NettySocket ws;
    private final Spec spec;
    private final TippenMetrics metrics;
    private final long maxQueuedBytes;
    private final int maxControlFramesPerSecond;
    private final RateLimit messageRate;
    /** Made at the first message only: most sockets (visitors) never send one. */
    private volatile Bucket messages;
    private volatile long refusedNoticeAt;
    private final Channel channel;
    /** The socket's handler in the channel, its last: frames written here pass the WebSocket encoder. */
    private final ChannelHandlerContext ctx;
    private final LoopWriter writer;
    private final Queue<Queued> pending = new ConcurrentLinkedQueue<>();
    /** 1 while the socket is marked on its loop's writer: one mark per batch however many messages. */
    private volatile int markedFlag;
    private static final AtomicIntegerFieldUpdater<Connection> MARKED = AtomicIntegerFieldUpdater.newUpdater(Connection.class, "markedFlag");
    /** Bytes (with frame headers) handed to the channel so far; on the socket's loop only. */
    private long handedBytes;
    /** Bytes queued for the socket's next batch, not yet handed to the channel. */
    private volatile long queuedBytes;
    /** Everything handed to this socket so far, in bytes: what a list it asked for cost, measured. */
    private volatile long writtenBytes;
    private static final AtomicLongFieldUpdater<Connection> WRITTEN = AtomicLongFieldUpdater.newUpdater(Connection.class, "writtenBytes");
    private volatile long oversized;
    private volatile long lastSeen = System.currentTimeMillis();
    private long lastTurn = lastSeen; // touched only by the thread that pings this socket
    private volatile boolean closing;
    /** Cut off for abuse: frames still queued are dropped rather than written after the close. */
    private volatile boolean cut;
    /** 1 while a dashboard's updates are being dropped for its backlog ({@link #sendUpdate}). */
    private volatile int behindFlag;
    /** A dashboard behind whose peer takes no bytes for this long has stopped reading. */
    static final long STALLED_MILLIS = 5_000;
    private volatile long progressAt = System.currentTimeMillis();
    private volatile Runnable catchUp;
    private static final AtomicIntegerFieldUpdater<Connection> BEHIND = AtomicIntegerFieldUpdater.newUpdater(Connection.class, "behindFlag");
    private int pingLoop;
    private int pingSlot;
    // Touched only on the socket's own event loop, where its frames arrive.
    private long controlWindow;
    private int controlFrames;

    /**
     * {@code maxControlFramesPerSecond}: pings, pongs and closes the peer may send a second (0: no
     * limit); {@code messageRate}: the messages it may send (null: no limit).
     */
    Connection(NettySocket ws, Spec spec, long maxQueuedBytes, int maxControlFramesPerSecond, RateLimit messageRate,
               TippenMetrics metrics, LoopWriter.PerLoop writers) {
        this.ws = ws;
        this.spec = spec;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxControlFramesPerSecond = maxControlFramesPerSecond;
        this.messageRate = messageRate;
        this.metrics = metrics;
        this.ctx = ws.context();
        this.channel = ctx.channel();
        this.writer = writers.of(channel.eventLoop());
        ws.controlFrameHandler(this::controlFrame);
    }

    /**
     * On the socket's event loop, for every control frame the peer sends, after a PING is answered: one
     * over the allowance, or one whose answer leaves the channel with more unread bytes than the
     * budget, cuts the peer off.
     */
    private void controlFrame() {
        long second = System.nanoTime() / 1_000_000_000L;
        if (second != controlWindow) {
            controlWindow = second;
            controlFrames = 0;
        }
        if (maxControlFramesPerSecond > 0 && ++controlFrames > maxControlFramesPerSecond) {
            cutOff("socket_control_frames", "too many control frames (ping, pong, close) a second");
        } else if (outboundBytes() > maxQueuedBytes + oversized) {
            cutOff("socket_write_budget", "slow consumer: stopped reading");
        }
    }

    /**
     * Whether the peer may send this message now. One over the allowance is dropped; the caller tells
     * the peer so at most once a second ({@link #tellRefused}), so refusals cannot amplify a flood.
     */
    public boolean allowMessage() {
        if (messageRate == null) return true;
        Bucket b = messages;
        if (b == null) {
            b = Bucket.builder().addLimit(l -> l.capacity(messageRate.burst()).refillGreedy(messageRate.perSecond(), Duration.ofSeconds(1)))
                    .build();
            messages = b;
        }
        if (b.tryConsume(1)) return true;
        metrics.rateLimited("socket_messages");
        return false;
    }

    /** True at most once a second: whether a refused message should be answered with an ERROR. */
    public boolean tellRefused() {
        long now = System.currentTimeMillis();
        if (now - refusedNoticeAt < 1_000) return false;
        refusedNoticeAt = now;
        return true;
    }

    /** The message allowance, for the peer's error: "at most 5 a second". */
    public String messageAllowance() {
        return messageRate == null ? "no limit" : messageRate.perSecond() + " a second (bursts of " + messageRate.burst() + ")";
    }

    /** Bytes waiting in the channel itself: our messages once handed over, and the pongs and closes the socket wrote. */
    private long outboundBytes() {
        ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Stops reading the peer at once and drops the connection after a short grace for its 1008. */
    private void cutOff(String limit, String reason) {
        if (closing) return;
        closing = true;
        cut = true; // what waits for the next batch is dropped: nothing may follow the close frame
        metrics.rateLimited(limit);
        channel.config().setAutoRead(false);
        ws.close(SLOW_CONSUMER, reason);
        // Not the closing handshake's wait: a peer that does not read never answers the close.
        channel.eventLoop().schedule(ws::drop, CUT_OFF_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** From any thread. Returns whether the message was queued for writing. */
    public boolean send(String json) {
        return send(Text.of(json));
    }

    /** From the site's lane: the message's frame is shared with its other recipients. */
    public boolean send(Text text) {
        return enqueue(text.wire(), null);
    }

    /**
     * As {@link #send(Text)}, completing once the message has left for the peer: a list is sent this
     * way, so that what follows it is measured against the backlog without it.
     */
    public Future<Void> sendWritten(Text text) {
        Promise<Void> written = Promise.promise();
        if (!enqueue(text.wire(), written)) written.tryFail("socket closed");
        return written.future();
    }

    /** A frame waiting for its socket's next batch; {@code written} (or null) completes once it is written. */
    private record Queued(byte[] wire, Promise<Void> written) {}

    /**
     * Queues one frame ({@link WireFrame}) for the socket's loop ({@link LoopWriter}); false when the
     * socket is closed or past its budget. The bytes are not copied: a message for many sockets is
     * encoded and framed once.
     */
    private boolean enqueue(byte[] wire, Promise<Void> written) {
        if (closing || ws.isClosed()) return false;
        long size = wire.length;
        if (!admit(size)) return false;
        if (size > maxQueuedBytes) OVERSIZED.addAndGet(this, size);
        pending.offer(new Queued(wire, written));
        if (markedFlag == 0 && MARKED.compareAndSet(this, 0, 1)) writer.mark(this);
        return true;
    }

    /**
     * On the socket's loop, once per batch: everything queued goes to the channel, then one flush.
     * Written to the channel as framed bytes the WebSocket encoder passes through; pongs and closes go
     * as frames, and {@link #closing} orders a close after what was queued before it.
     */
    void drain() {
        MARKED.set(this, 0);
        boolean any = false;
        for (Queued q; (q = pending.poll()) != null; ) {
            int size = q.wire().length;
            QUEUED.addAndGet(this, -size);
            boolean big = size > maxQueuedBytes;
            if (cut || !channel.isActive()) {
                if (big) OVERSIZED.addAndGet(this, -size);
                if (q.written() != null) q.written().tryFail("socket closed");
                continue;
            }
            ByteBuf frame = Unpooled.wrappedBuffer(q.wire());
            handedBytes += size;
            if (!big && q.written() == null) {
                ctx.write(frame, ctx.voidPromise());
            } else {
                Promise<Void> written = q.written();
                // Netty completes a write's promise before it takes the bytes off the channel's count:
                // what follows (the next part of a list) is admitted only once they are off, in a task
                // after this one, or the part just written would count against the next.
                ctx.write(frame).addListener(f -> ctx.executor().execute(() -> {
                    if (big) OVERSIZED.addAndGet(this, -size);
                    if (written == null) return;
                    if (f.isSuccess()) written.tryComplete();
                    else written.tryFail(f.cause());
                }));
            }
            any = true;
        }
        if (any) ctx.flush();
    }

    /**
     * From the site's lane: a state update (a visitor's latest state, a removal, a list) that a
     * fresh list would replace. A dashboard with more than half its write budget not yet taken is not
     * sent it: it is marked behind, and once it has taken its backlog it is sent the site's list
     * instead ({@link #onCaughtUp}), the latest of every visitor in order with the stream. So a
     * dashboard that reads slowly gets conflated updates and is never closed for its pace; one that
     * takes nothing for {@link #STALLED_MILLIS} while behind has stopped reading and is closed. Other
     * sockets, and dashboards without a catch-up, are sent every update.
     */
    public boolean sendUpdate(Text text) {
        if (catchUp == null) return send(text);
        if (closing || ws.isClosed()) return false;
        if (behindFlag == 1) return !stalled();
        if (backlog() <= maxQueuedBytes / 2) return send(text);
        if (!BEHIND.compareAndSet(this, 0, 1)) return true;
        metrics.dashboardBehind();
        progressAt = System.currentTimeMillis();
        channel.eventLoop().execute(() -> watchBacklog(handedBytes - outboundBytes()));
        return true;
    }

    /** What the peer has not taken yet: what waits for the socket's next batch, and what the channel holds. */
    private long backlog() {
        return queuedBytes + outboundBytes();
    }

    /** For a dashboard: how it is brought up to date once it has taken the backlog it fell behind with. */
    public void onCaughtUp(Runnable resync) {
        catchUp = resync;
    }

    /**
     * A dashboard behind that has taken nothing for {@link #STALLED_MILLIS} has stopped reading: it is
     * closed (1008), as a socket past its budget is. A slow one keeps taking something, and stays.
     */
    private boolean stalled() {
        if (System.currentTimeMillis() - progressAt <= STALLED_MILLIS) return false;
        metrics.slowSocketClosed(spec.kind().label());
        cutOff("socket_write_budget", "slow consumer: stopped reading");
        return true;
    }

    /**
     * While behind, on the socket's event loop every 50 ms: once the backlog is down to a quarter of
     * the budget the dashboard is caught up; while the peer takes bytes it is reading; if it has
     * taken none for {@link #STALLED_MILLIS} it has stopped, and is closed.
     */
    private void watchBacklog(long takenBefore) {
        channel.eventLoop().schedule(() -> {
            if (behindFlag != 1 || closing || ws.isClosed()) return;
            if (backlog() <= maxQueuedBytes / 4) {
                caughtUp();
                return;
            }
            long taken = handedBytes - outboundBytes();
            if (taken > takenBefore) progressAt = System.currentTimeMillis();
            if (!stalled()) watchBacklog(taken);
        }, 50, TimeUnit.MILLISECONDS);
    }

    /** Once per falling behind, from whichever thread sees the backlog gone first. */
    private void caughtUp() {
        if (BEHIND.compareAndSet(this, 1, 0)) catchUp.run();
    }

    /**
     * One fragment of a long message (a large site's list), written without building the whole
     * message: the first fragment is a text frame, the rest continuation frames, the last one final.
     * Completes once written, so the next fragment is made only then; the caller holds the socket's
     * other messages back until the last one. Fails when the socket is closed or stopped reading.
     */
    public Future<Void> sendFragment(String part, boolean first, boolean last) {
        Promise<Void> written = Promise.promise();
        if (!enqueue(WireFrame.of(part.getBytes(StandardCharsets.UTF_8), first, last), written)) {
            written.tryFail("socket closed or stopped reading");
        }
        return written.future();
    }

    /** Whether the socket has room for {@code size} more bytes; a socket that has not taken what it was sent is closed. */
    private boolean admit(long size) {
        WRITTEN.addAndGet(this, size);
        long backlog = QUEUED.addAndGet(this, size) + outboundBytes();
        // A message bigger than the budget (a large site's list) still goes to a socket whose backlog
        // before it is within the budget and holds no other such message, and the budget grows by its
        // size until it is written: only a backlog of unread writes beyond that means a stalled reader.
        // (A dashboard that fell behind has at most a quarter of its budget left when its list goes.)
        boolean over = size > maxQueuedBytes ? backlog - size > maxQueuedBytes || oversized > 0 : backlog > maxQueuedBytes + oversized;
        if (over) {
            QUEUED.addAndGet(this, -size);
            metrics.slowSocketClosed(spec.kind().label());
            cutOff("socket_write_budget", "slow consumer: stopped reading");
            return false;
        }
        return true;
    }

    /** Bytes handed to this socket since it opened. */
    public long writtenBytes() {
        return writtenBytes;
    }

    /** Bytes written to the socket that the peer has not taken yet. */
    public long queuedBytes() {
        return backlog();
    }

    public void close(short code, String reason) {
        closing(code, reason);
    }

    /**
     * Closes the socket after what was queued for it; completes once it is closed (at once when it
     * was already closing). The closing handshake starts on the socket's loop once the messages
     * before it have gone to the channel.
     */
    public Future<Void> closing(short code, String reason) {
        if (closing) return Future.succeededFuture();
        closing = true;
        Promise<Void> closed = Promise.promise();
        try {
            channel.eventLoop().execute(() -> {
                drain();
                ws.close(code, reason).onComplete(closed);
            });
        } catch (RejectedExecutionException stopping) {
            return ws.close(code, reason); // the loop is shutting down: nothing queued will be written anyway
        }
        return closed.future();
    }

    /**
     * The socket's ping turn, once per interval (see {@link PingWheel}). A socket that sent a message
     * since its previous turn is not pinged; a pong does not count, so a silent socket is pinged every
     * interval and its pongs keep it inside the read timeout. One that has sent no frame at all for
     * {@code readTimeoutMillis} is dead, or half-open, and is dropped.
     */
    void pingTurn(long now, long readTimeoutMillis) {
        boolean silent = lastSeen <= lastTurn;
        lastTurn = now;
        if (now - ws.lastRead() > readTimeoutMillis && channel.isActive()) {
            ws.drop();
            return;
        }
        if (!silent || closing || ws.isClosed()) return;
        if (behindFlag == 1 && stalled()) return;
        if (outboundBytes() > maxQueuedBytes + oversized) cutOff("socket_write_budget", "slow consumer: stopped reading");
        else ws.ping();
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

    /** A visitor socket opened with its visitor's token. */
    public boolean bound() {
        return spec.bound();
    }

    /** A dashboard that understands VISITOR_REMOVED (and so needs no list to learn of departures). */
    public boolean removals() {
        return spec.removals();
    }

    /** A dashboard sent every visitor's trail (the original kind and the default); false: on request only. */
    public boolean trails() {
        return spec.trails();
    }

    public boolean wantsCleanupList() {
        return spec.wantsCleanupList();
    }
}
