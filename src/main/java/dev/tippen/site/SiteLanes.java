package dev.tippen.site;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A fixed set of single-threaded Vert.x contexts. Each site is pinned to one lane by its id, and every
 * change to a site's state runs there, in order: the Durable Object's guarantee without locks. Sites on
 * different lanes run in parallel.
 */
public final class SiteLanes {
    private final Context[] lanes;

    private SiteLanes(Context[] lanes) {
        this.lanes = lanes;
    }

    /** One lane per event loop: a lane is a context, and each deployed instance gets its own. */
    public static Future<SiteLanes> start(Vertx vertx, int count) {
        ConcurrentLinkedQueue<Context> contexts = new ConcurrentLinkedQueue<>();
        return vertx.deployVerticle(() -> new VerticleBase() {
                    @Override
                    public Future<?> start() {
                        contexts.add(context);
                        return Future.succeededFuture();
                    }
                }, new DeploymentOptions().setInstances(count))
                .map(id -> new SiteLanes(contexts.toArray(new Context[0])));
    }

    public Context of(String siteId) {
        return lanes[Math.floorMod(siteId.hashCode(), lanes.length)];
    }

    /** Runs {@code work} on the site's lane (at once if already there) and hands back its result. */
    public <T> Future<T> run(String siteId, Supplier<Future<T>> work) {
        Context lane = of(siteId);
        if (Vertx.currentContext() == lane) return safely(work);
        Promise<T> result = Promise.promise();
        lane.runOnContext(v -> safely(work).onComplete(result));
        return result.future();
    }

    public void execute(String siteId, Runnable work) {
        Context lane = of(siteId);
        if (Vertx.currentContext() == lane) work.run();
        else lane.runOnContext(v -> work.run());
    }

    /** Brings a future completed elsewhere (the storage thread) back onto the site's lane. */
    public <T> Future<T> backTo(String siteId, Future<T> future) {
        Context lane = of(siteId);
        Promise<T> result = Promise.promise();
        future.onComplete(ar -> {
            if (Vertx.currentContext() == lane) result.handle(ar);
            else lane.runOnContext(v -> result.handle(ar));
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
