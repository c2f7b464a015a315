package dev.tippen.socket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;

/**
 * Right after the frame decoder: text must be UTF-8 (Vert.x does not check), and a frame the
 * protocol forbids (reserved bits, a bad opcode, text that is not UTF-8, one too large) is answered
 * with the close status RFC 6455 names. The close is written here, on the event loop, before Vert.x
 * sees the error: Vert.x drops the connection as soon as it does, and a close queued after that
 * would never be sent.
 */
final class FrameViolations extends Utf8FrameValidator {
    private final Runnable counted;
    private boolean closed;

    /** {@code counted}: told once per socket closed here. */
    FrameViolations(Runnable counted) {
        super(false);
        this.counted = counted;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof CorruptedWebSocketFrameException c && !closed && ctx.channel().isActive()) {
            closed = true;
            counted.run();
            String reason = c.getMessage() == null ? c.closeStatus().reasonText() : c.getMessage();
            // From the tail: the frame encoder sits after this handler, so it must be passed through.
            ctx.channel().writeAndFlush(new CloseWebSocketFrame(c.closeStatus().code(), reason.length() > 120 ? reason.substring(0, 120) : reason));
        }
        super.exceptionCaught(ctx, cause);
    }
}
