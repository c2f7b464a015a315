package dev.tippen.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
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
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The floor under the ceiling for idle sockets: WebSockets on Netty alone, without Vert.x (whose
 * connections each carry two message queues of 1,024 slots that cannot be sized from outside). What
 * an idle socket costs here is what a socket path written on Netty directly could get down to.
 * Answers /healthz and a /metrics line with the live heap, like the other servers the bench measures.
 * Each socket is pinged once per {@link KeepAlive#INTERVAL_SECONDS}, as Tippen pings its silent
 * sockets, so idle CPU here is what that keep-alive costs on Netty alone.
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
    private static final class Greeting extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"CONNECTED\"}"));
                KeepAlive.of(ctx.channel().eventLoop()).add(ctx.channel());
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

    /**
     * Per event loop, a wheel of as many slots as the interval has seconds; each second the loop pings
     * one slot's sockets itself. Sockets land in a random slot, so those opened together are spread.
     */
    private static final class KeepAlive {
        static final int INTERVAL_SECONDS = 30;
        private static final Map<EventLoop, KeepAlive> WHEELS = new ConcurrentHashMap<>();
        @SuppressWarnings("unchecked")
        private final Set<Channel>[] slots = new Set[INTERVAL_SECONDS];
        private int next;

        private KeepAlive(EventLoop loop) {
            for (int i = 0; i < slots.length; i++) slots[i] = new HashSet<>();
            loop.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }

        static KeepAlive of(EventLoop loop) {
            return WHEELS.computeIfAbsent(loop, KeepAlive::new);
        }

        /** On the channel's own loop, as the wheel's ticks are. */
        void add(Channel ch) {
            Set<Channel> slot = slots[ThreadLocalRandom.current().nextInt(slots.length)];
            slot.add(ch);
            ch.closeFuture().addListener(f -> slot.remove(ch));
        }

        private void tick() {
            Set<Channel> due = slots[next];
            next = (next + 1) % slots.length;
            // A copy: a ping that fails closes its channel at once, which takes it out of the slot.
            for (Channel ch : due.toArray(Channel[]::new)) {
                ch.writeAndFlush(new PingWebSocketFrame(), ch.voidPromise());
            }
        }
    }
}
