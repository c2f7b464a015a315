package dev.tippen.engine.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an erasure, Redis's append-only file still holds every command that ever carried the
 * visitor, until it is rewritten. A rewrite copies the whole data set, so it is asked for at most
 * once per {@link #MIN_GAP_MILLIS}: an erasure inside the gap waits for its end, and every erasure
 * in between shares that one rewrite. The window is documented in docs/operations.md.
 */
final class AofRewrite {
    private static final Logger log = LoggerFactory.getLogger(AofRewrite.class);
    static final long MIN_GAP_MILLIS = 300_000;

    private final Vertx vertx;
    private final RedisLink link;
    private final long gapMillis;
    private long lastAt = Long.MIN_VALUE / 2;
    private boolean scheduled;

    AofRewrite(Vertx vertx, RedisLink link, long gapMillis) {
        this.vertx = vertx;
        this.link = link;
        this.gapMillis = gapMillis;
    }

    synchronized void requested() {
        if (scheduled) return;
        long wait = lastAt + gapMillis - System.currentTimeMillis();
        if (wait <= 0) {
            rewrite();
            return;
        }
        scheduled = true;
        vertx.setTimer(wait, id -> {
            synchronized (this) {
                scheduled = false;
                rewrite();
            }
        });
    }

    private void rewrite() {
        lastAt = System.currentTimeMillis();
        link.send(Request.cmd(Command.BGREWRITEAOF))
                .onSuccess(r -> log.info("event=aof_rewrite_requested note=\"erased visitors leave Redis's append-only file once it is rewritten\""))
                .onFailure(e -> log.warn("event=aof_rewrite_failed error=\"{}\"", e.getMessage()));
    }
}
