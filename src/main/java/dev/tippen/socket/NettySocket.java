package dev.tippen.socket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket, served on its Netty channel directly once {@link SocketHandshake} has taken the
 * channel over from Vert.x: the last handler of the pipeline, after the frame decoder and
 * {@link FrameViolations}. It joins a fragmented message (bounded in bytes), answers pings, and does
 * the closing handshake. Nothing else is kept per socket: no outbound queue (writes go to the channel
 * in batches, see {@link Connection}), no timer (a socket that sends nothing for its read timeout is
 * closed from the ping wheel), and nothing of the HTTP request it was upgraded from.
 *
 * <p>Everything here runs on the channel's event loop, except {@link #close} and {@link #isClosed}.
 */
public final class NettySocket extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(NettySocket.class);
    /** RFC 6455: a message too big to process. */
    static final short MESSAGE_TOO_BIG = 1009;
    /** How long a close we started waits for the peer's close before the connection is dropped. */
    static final long CLOSING_TIMEOUT_MILLIS = 10_000;

    private static final ByteBuf PING = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 0}));

    private final int maxMessageBytes;
    private ChannelHandlerContext ctx;
    private Consumer<String> textHandler = text -> { };
    private Runnable binaryHandler = () -> { };
    private Runnable controlHandler = () -> { };
    /** A fragmented text message being joined (null: none, or a binary one, which is only counted). */
    private ByteBuf joining;
    private boolean joiningBinary;
    private int joinedBytes;
    private volatile boolean closeSent;
    private volatile long lastRead = System.currentTimeMillis();

    /** {@code maxMessageBytes}: the largest message, joined from its fragments, the peer may send. */
    NettySocket(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Whole text messages from the peer, on the socket's event loop. */
    public void textMessageHandler(Consumer<String> handler) {
        textHandler = handler;
    }

    /** Told once per binary message from the peer (its bytes are not kept: nothing here takes binary). */
    public void binaryMessageHandler(Runnable handler) {
        binaryHandler = handler;
    }

    /** Told after each ping, pong or close from the peer (and after a ping is answered). */
    void controlFrameHandler(Runnable handler) {
        controlHandler = handler;
    }

    /** Once, on the event loop, when the connection is gone. */
    public void closeHandler(Runnable handler) {
        ctx.channel().closeFuture().addListener(f -> handler.run());
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    /** When the peer last sent a whole frame (any frame: a pong says it is there). */
    long lastRead() {
        return lastRead;
    }

    /** From any thread: closing (a close frame sent) or closed. */
    public boolean isClosed() {
        return closeSent || !ctx.channel().isActive();
    }

    /** On the event loop: an empty ping, as the two bytes a server sends for one (no frame object, no encoding). */
    void ping() {
        ctx.writeAndFlush(PING.duplicate(), ctx.voidPromise());
    }

    /**
     * From any thread: the closing handshake. Sends a close frame (once) and completes when the
     * connection is gone: when the peer's close comes back, or {@link #CLOSING_TIMEOUT_MILLIS} later.
     */
    public Future<Void> close(short code, String reason) {
        Promise<Void> closed = Promise.promise();
        Channel channel = ctx.channel();
        channel.closeFuture().addListener(f -> closed.tryComplete());
        try {
            channel.eventLoop().execute(() -> sendClose(code, reason));
        } catch (RejectedExecutionException stopping) {
            channel.close(); // the loop is shutting down with the node
        }
        return closed.future();
    }

    /** Drops the connection without a closing handshake (a dead or abusive peer). */
    void drop() {
        ctx.channel().close();
    }

    private void sendClose(short code, String reason) {
        if (closeSent || !ctx.channel().isActive()) return;
        closeSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(code, reason));
        ctx.executor().schedule(this::drop, CLOSING_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof WebSocketFrame frame) {
                lastRead = System.currentTimeMillis();
                frame(frame);
            }
            // Anything else is what the HTTP decoder made of the upgrade request's end: nothing to read.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void frame(WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            dropJoining();
            joiningBinary = frame instanceof BinaryWebSocketFrame;
            joinedBytes = 0;
            part(frame.content(), frame.isFinalFragment(), true);
        } else if (frame instanceof ContinuationWebSocketFrame) {
            part(frame.content(), frame.isFinalFragment(), false);
        } else if (frame instanceof PingWebSocketFrame) {
            if (!closeSent) ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            controlHandler.run();
        } else if (frame instanceof PongWebSocketFrame) {
            controlHandler.run();
        } else if (frame instanceof CloseWebSocketFrame close) {
            controlHandler.run();
            closedByPeer(close);
        }
    }

    /** One fragment of a message; the message is handed on whole, or the socket closed if it grows past the bound. */
    private void part(ByteBuf content, boolean last, boolean first) {
        if (closeSent) return;
        joinedBytes += content.readableBytes();
        if (joinedBytes > maxMessageBytes) {
            dropJoining();
            sendClose(MESSAGE_TOO_BIG, "message larger than " + maxMessageBytes / 1024 + " KiB");
            return;
        }
        if (joiningBinary) {
            if (last) deliver(binaryHandler);
            return;
        }
        if (first && last) {
            String text = content.toString(StandardCharsets.UTF_8);
            deliver(() -> textHandler.accept(text));
            return;
        }
        if (first) joining = ctx.alloc().heapBuffer(Math.min(maxMessageBytes, content.readableBytes() * 2));
        if (joining == null) return; // a continuation of a message already refused
        joining.writeBytes(content);
        if (last) {
            String text = joining.toString(StandardCharsets.UTF_8);
            dropJoining();
            deliver(() -> textHandler.accept(text));
        }
    }

    /** A handler's failure is logged and the socket goes on, as a request handler's would be answered 500. */
    private static void deliver(Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            log.error("event=socket_handler_failed error=\"{}\"", e.toString(), e);
        }
    }

    private void dropJoining() {
        if (joining != null) {
            joining.release();
            joining = null;
        }
    }

    /** The peer's close: answered with its own status (RFC 6455 §5.5.1), then the connection is dropped. */
    private void closedByPeer(CloseWebSocketFrame close) {
        if (closeSent) {
            ctx.channel().close();
            return;
        }
        closeSent = true;
        int status = close.statusCode();
        CloseWebSocketFrame answer = status < 0 ? new CloseWebSocketFrame() : new CloseWebSocketFrame(status, null);
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropJoining();
    }

    /**
     * {@link FrameViolations} has answered a broken frame with its close; the connection goes once
     * that is written. Any other failure (a reset by the peer) drops it.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            closeSent = true;
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.channel().close();
        }
    }
}
