package dev.tippen.site;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A fixed set of single-threaded Vert.x contexts, one per event loop. Each site is pinned to one lane
 * by its id, and every change to a site's state runs there, in order: the Durable Object's guarantee
 * without locks. Sites on different lanes run in parallel. The HTTP servers run on the lanes too
 * (see {@code HttpServers}), so a request that arrives on its site's own event loop is handled without
 * handing it to another thread: work for a lane runs at once whenever the caller is on that lane's
 * thread, whichever context it came through.
 */
public final class SiteLanes {
    private final Context[] lanes;
    private final Thread[] threads;

    private SiteLanes(Context[] lanes, Thread[] threads) {
        this.lanes = lanes;
        this.threads = threads;
    }

    /** One lane per event loop: a lane is a context, and each deployed instance gets its own. */
    public static Future<SiteLanes> start(Vertx vertx, int count) {
        ConcurrentLinkedQueue<Context> contexts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();
        return vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        contexts.add(context);
                        threads.add(Thread.currentThread());
                        return Future.succeededFuture();
                    }
                }, new DeploymentOptions().setInstances(count))
                .map(id -> new SiteLanes(contexts.toArray(new Context[0]), threads.toArray(new Thread[0])));
    }

    public Context of(String siteId) {
        return lanes[index(siteId)];
    }

    /** Every lane, for the servers that run on them. */
    public List<Context> all() {
        return List.of(lanes);
    }

    private int index(String siteId) {
        return Math.floorMod(siteId.hashCode(), lanes.length);
    }

    private boolean onLane(int i) {
        return Thread.currentThread() == threads[i];
    }

    /** The lane whose thread is running now, or -1 (a worker, the writer, a test). */
    public int current() {
        Thread t = Thread.currentThread();
        for (int i = 0; i < threads.length; i++) if (threads[i] == t) return i;
        return -1;
    }

    public int count() {
        return lanes.length;
    }

    /** Runs {@code work} on lane {@code i}: at once if already there. */
    public void executeOn(int i, Runnable work) {
        if (onLane(i)) work.run();
        else lanes[i].runOnContext(v -> work.run());
    }

    /** Runs {@code work} on the site's lane (at once if already on its thread) and hands back its result. */
    public <T> Future<T> run(String siteId, Supplier<Future<T>> work) {
        int i = index(siteId);
        if (onLane(i)) return safely(work);
        Promise<T> result = Promise.promise();
        lanes[i].runOnContext(v -> safely(work).onComplete(result));
        return result.future();
    }

    public void execute(String siteId, Runnable work) {
        int i = index(siteId);
        if (onLane(i)) work.run();
        else lanes[i].runOnContext(v -> work.run());
    }

    /** Brings a future completed elsewhere (the storage thread, Redis) back onto the site's lane. */
    public <T> Future<T> backTo(String siteId, Future<T> future) {
        int i = index(siteId);
        Promise<T> result = Promise.promise();
        future.onComplete(ar -> {
            if (onLane(i)) result.handle(ar);
            else lanes[i].runOnContext(v -> result.handle(ar));
        });
        return result.future();
    }

    private static <T> Future<T> safely(Supplier<Future<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
