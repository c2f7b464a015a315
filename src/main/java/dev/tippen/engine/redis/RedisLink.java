package dev.tippen.engine.redis;

import dev.tippen.visitor.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's line to Redis: a pool of connections for commands, the readiness the node reports, and
 * the scripts every state change runs. A command that cannot be answered fails with
 * {@link StoreException}, so callers answer 503 and never acknowledge what Redis did not take.
 * Health is a PING every half second; when it comes back after a failure, listeners re-establish
 * what Redis may have lost (scripts, subscriptions, presence).
 */
public final class RedisLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);
    private static final long TIMEOUT_MILLIS = 5_000;

    private final Vertx vertx;
    private final Redis client;
    private final String url;
    private final List<Runnable> onRecovered = new CopyOnWriteArrayList<>();
    private volatile boolean healthy = true;
    private final AtomicLong lastErrorLog = new AtomicLong();
    private long pinger = -1;

    private RedisLink(Vertx vertx, Redis client, String url) {
        this.vertx = vertx;
        this.client = client;
        this.url = url;
    }

    /** Connects and checks the server answers; blocking, so call it before traffic, off the event loops. */
    public static RedisLink connect(Vertx vertx, String url) {
        RedisOptions options = new RedisOptions().setConnectionString(url)
                // Commands pipeline on a few connections; beyond this many waiting for one, fail fast (503).
                .setMaxPoolSize(8).setMaxPoolWaiting(10_000).setMaxWaitingHandlers(4_096);
        RedisLink link = new RedisLink(vertx, Redis.createClient(vertx, options), url);
        try {
            link.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture()
                    .get(TIMEOUT_MILLIS + 1_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            link.client.close();
            throw new IllegalStateException("cannot reach Redis at " + redacted(url) + ": " + rootMessage(e), e);
        }
        link.checkEvictionPolicy();
        return link;
    }

    /**
     * Any eviction policy but noeviction lets a full Redis drop a live visitor, a pending invite or a
     * key without a word; say so loudly at start. A managed Redis may refuse CONFIG: then say that.
     */
    private void checkEvictionPolicy() {
        String policy;
        try {
            Response r = send(Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory-policy")).toCompletionStage()
                    .toCompletableFuture().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            policy = r == null ? null : valueOf(r, "maxmemory-policy");
        } catch (Exception e) {
            log.warn("event=redis_policy_unknown url={} error=\"{}\" note=\"cannot read maxmemory-policy; it must be noeviction, or Redis may drop live visitors, invites and keys when full\"",
                    redacted(url), rootMessage(e));
            return;
        }
        if (policy == null || !policy.equals("noeviction")) {
            log.error("event=redis_evicts url={} maxmemory-policy={} note=\"this Redis may silently drop live visitors, pending invites and keys when it is full; set maxmemory-policy noeviction\"",
                    redacted(url), policy);
        }
    }

    /** Starts the health checks; {@code ready} flips with them. */
    public void watch() {
        pinger = vertx.setPeriodic(500, id -> client.send(Request.cmd(Command.PING))
                .timeout(1_000, TimeUnit.MILLISECONDS)
                .onComplete(ar -> health(ar.succeeded(), ar.cause())));
    }

    public void onRecovered(Runnable action) {
        onRecovered.add(action);
    }

    private void health(boolean ok, Throwable cause) {
        if (ok == healthy) return;
        healthy = ok;
        if (ok) {
            log.info("event=redis_recovered url={}", redacted(url));
            onRecovered.forEach(Runnable::run);
        } else {
            log.warn("event=redis_unavailable url={} error=\"{}\"", redacted(url), rootMessage(cause));
        }
    }

    /** One setting from CONFIG GET: a map in RESP3, a flat [name, value] list in RESP2. */
    private static String valueOf(Response r, String name) {
        if (r.type() == io.vertx.redis.client.ResponseType.MULTI && r.size() >= 2 && !r.getKeys().isEmpty()) {
            Response v = r.get(name);
            return v == null ? null : v.toString();
        }
        return r.size() >= 2 ? r.get(1).toString() : null;
    }

    /** False while Redis does not answer (down, restarting, still loading its data). */
    public boolean healthy() {
        return healthy;
    }

    public Future<Response> send(Request request) {
        return client.send(request).timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).recover(this::unavailable);
    }

    public Future<List<Response>> batch(List<Request> requests) {
        return client.batch(requests).timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).recover(this::unavailable);
    }

    /**
     * Runs a script by its hash; after a Redis restart the script cache is empty, so a NOSCRIPT answer
     * loads it and runs it again. {@code after} are commands sent in the same round trip, behind it.
     */
    public Future<List<Response>> eval(Script script, List<String> keys, List<String> args, Request... after) {
        return batch(requests(script, keys, args, after)).recover(err -> {
            if (!script.missing(err)) return Future.failedFuture(err);
            return send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source()))
                    .compose(loaded -> batch(requests(script, keys, args, after)));
        });
    }

    /** One script's reply. */
    public Future<Response> eval(Script script, List<String> keys, List<String> args) {
        return eval(script, keys, args, new Request[0]).map(replies -> replies.get(0));
    }

    private static List<Request> requests(Script script, List<String> keys, List<String> args, Request... after) {
        Request r = Request.cmd(Command.EVALSHA).arg(script.sha()).arg(keys.size());
        for (String k : keys) r.arg(k);
        for (String a : args) r.arg(a);
        List<Request> all = new ArrayList<>(1 + after.length);
        all.add(r);
        all.addAll(List.of(after));
        return all;
    }

    /**
     * Every failure becomes a {@link StoreException} (answered 503), except NOSCRIPT, which
     * {@link #eval} handles. An error reply from Redis itself (OOM under {@code noeviction}, MISCONF,
     * READONLY, a script error) is logged, at most once a second, since only an operator can fix it.
     */
    private <T> Future<T> unavailable(Throwable err) {
        if (err instanceof StoreException) return Future.failedFuture(err);
        if (err instanceof Response reply) {
            if (Script.isNoScript(reply)) return Future.failedFuture(err);
            long now = System.currentTimeMillis();
            long last = lastErrorLog.get();
            if (now - last >= 1_000 && lastErrorLog.compareAndSet(last, now)) {
                // toString(): the reply is a Throwable, which the logger would print as a stack trace instead.
                log.warn("event=redis_error_reply error=\"{}\"", reply.toString());
            }
        }
        return Future.failedFuture(new StoreException("redis: " + rootMessage(err), false, err));
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The URL without its password, fit for a log line. */
    public static String redacted(String url) {
        return url.replaceFirst("//[^@/]*@", "//***@");
    }

    public Redis client() {
        return client;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        if (pinger != -1) vertx.cancelTimer(pinger);
        client.close();
    }
}
