package dev.tippen.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The floor under the ceiling for idle sockets: WebSockets on Netty alone, without Vert.x (whose
 * connections each carry two message queues of 1,024 slots that cannot be sized from outside). What
 * an idle socket costs here is what a socket path written on Netty directly could get down to.
 * Answers /healthz and a /metrics line with the live heap, like the other servers the bench measures.
 */
public final class NettyFloorServer {
    private NettyFloorServer() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws/visitor")
                .checkStartsWith(true).allowExtensions(false).build();
        new ServerBootstrap().group(loops).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(ws), new Greeting(), new Plain());
                    }
                }).bind("127.0.0.1", port).sync();
        Thread.currentThread().join();
    }

    /** A socket is greeted, as the servers measured beside this one greet theirs. */
    private static final class Greeting extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new io.netty.handler.codec.http.websocketx.TextWebSocketFrame("{\"type\":\"CONNECTED\"}"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    /** Plain requests: health and the heap, as text. */
    private static final class Plain extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String body = req.uri().startsWith("/metrics")
                    ? "jvm_memory_used_bytes{area=\"heap\"} " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + "\n"
                    : "{\"status\":\"ok\"}";
            DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
