package dev.tippen.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import java.nio.charset.StandardCharsets;

/**
 * A request body whose framing cannot be decoded (a chunk size past what a number holds, a chunk
 * that is not hex) is answered 400 with a JSON error and the connection closed. Vert.x would only
 * drop the connection, leaving the client with no answer. Sits right after the request decoder;
 * a broken request head is Vert.x's own 400 already.
 */
final class FramingErrors extends ChannelInboundHandlerAdapter {
    private static final byte[] ANSWER = answer();

    private static byte[] answer() {
        String body = "{\"error\":\"the request body could not be read: malformed chunked framing\"}";
        return ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** On the connection's event loop as it is accepted (HTTP/1.1 only; an upgrade replaces the decoder). */
    static void install(HttpConnection conn) {
        // Vert.x exposes a server connection's pipeline only through this interface of its own.
        if (!(conn instanceof io.vertx.core.http.impl.HttpServerConnection server)) return;
        ChannelPipeline pipeline = server.channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") != null && pipeline.get(FramingErrors.class) == null) {
            pipeline.addAfter("httpDecoder", "tippen-framing", new FramingErrors());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ANSWER)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelRead(ctx, msg);
    }
}
