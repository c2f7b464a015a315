package dev.tippen.socket;

import dev.tippen.http.ApiError;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;

/**
 * Takes a socket's connection over from Vert.x at its upgrade. Vert.x's own WebSocket keeps, for
 * every socket, its HTTP connection's and its WebSocket's outbound queues (two Netty MPSC queues of
 * 1,024 slots, about 8.5 KiB), the upgrade request with its headers, and a read-idle timer: most of
 * what an idle socket costs. Here, in the request's handler on the connection's event loop, Netty's
 * RFC 6455 handshaker answers the upgrade; then Vert.x's handlers leave the pipeline (its connection
 * object goes with them), and {@link FrameViolations} and a {@link NettySocket} take their place.
 */
final class SocketHandshake {
    /** RFC 6455's one version; every browser speaks it. */
    private static final String VERSION = "13";

    private SocketHandshake() {}

    /** Refuses (with {@link ApiError}, answered by Vert.x as any request's) an upgrade this server cannot take. */
    static void check(HttpServerRequest req) {
        if (req.version() != io.vertx.core.http.HttpVersion.HTTP_1_1) {
            throw new ApiError(400, "a WebSocket upgrade needs HTTP/1.1");
        }
        if (!VERSION.equals(req.getHeader("Sec-WebSocket-Version"))) {
            req.response().putHeader("Sec-WebSocket-Version", VERSION);
            throw new ApiError(426, "this server speaks WebSocket version 13 (Sec-WebSocket-Version: 13)");
        }
        String key = req.getHeader("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) throw new ApiError(400, "a WebSocket upgrade needs a Sec-WebSocket-Key header");
        String connection = req.getHeader("Connection");
        if (connection == null || !connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
            throw new ApiError(400, "a WebSocket upgrade needs 'Connection: Upgrade'");
        }
        if (!(req.connection() instanceof io.vertx.core.http.impl.HttpServerConnection)) {
            throw new ApiError(400, "this connection cannot be upgraded");
        }
    }

    /**
     * Answers an upgrade that passed {@link #check}, in the request's handler. Completes with the
     * socket once the 101 has been written, on the connection's event loop: usually before this
     * returns, so what the caller attaches runs as it attaches it, still in the request's handler, with
     * the socket in the pipeline and before any frame is read (a peer sends none before it has the
     * 101). {@code violation} is told once per socket closed for a broken frame.
     */
    static Future<NettySocket> takeOver(HttpServerRequest req, int maxFrameBytes, Runnable violation) {
        var server = (io.vertx.core.http.impl.HttpServerConnection) req.connection();
        Channel channel = server.channelHandlerContext().channel();
        ChannelPipeline pipeline = channel.pipeline();

        HttpHeaders headers = new DefaultHttpHeaders();
        for (Map.Entry<String, String> h : req.headers()) {
            if (h.getKey().regionMatches(true, 0, "Sec-WebSocket", 0, 13) || h.getKey().equalsIgnoreCase("Upgrade")
                    || h.getKey().equalsIgnoreCase("Connection") || h.getKey().equalsIgnoreCase("Host")) {
                headers.add(h.getKey(), h.getValue());
            }
        }
        DefaultFullHttpRequest nettyRequest = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, req.uri(),
                Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                // No extension is offered: a frame with reserved bits set is a protocol error (1002).
                .allowExtensions(false)
                // FrameViolations answers a broken frame with its status; the socket then drops the connection.
                .closeOnProtocolViolation(false)
                .build();
        WebSocketServerHandshaker13 handshaker = new WebSocketServerHandshaker13(req.path(), null, frames);
        Promise<NettySocket> opened = Promise.promise();
        NettySocket socket = new NettySocket(maxFrameBytes);
        // The handshaker swaps the HTTP decoder for the frame decoder, puts the frame encoder in, and
        // takes the HTTP encoder out once the 101 is written. Everything of Vert.x's after the decoder
        // leaves now, before the rest of this request (its end) is read, so nothing of it reaches Vert.x.
        handshaker.handshake(channel, nettyRequest).addListener(f -> {
            if (f.isSuccess()) opened.tryComplete(socket);
            else {
                opened.tryFail(f.cause());
                channel.close();
            }
        });
        for (String name : List.of("tippen-framing", "idle", "handler")) remove(pipeline, name);
        pipeline.addAfter("wsdecoder", "tippen-frames", new FrameViolations(violation));
        pipeline.addLast("tippen-socket", socket);
        // Vert.x may have paused reading while the request was its own.
        channel.config().setAutoRead(true);
        return opened.future();
    }

    private static void remove(ChannelPipeline pipeline, String name) {
        ChannelHandler h = pipeline.get(name);
        if (h != null) pipeline.remove(h);
    }
}
