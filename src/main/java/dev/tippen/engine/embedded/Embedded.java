package dev.tippen.engine.embedded;

import dev.tippen.engine.Backend;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.SiteLanes;
import dev.tippen.socket.Hub;
import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.SiteRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;

/** The embedded default: one node, its state in memory and in one SQLite file under the data dir. */
public final class Embedded {
    /**
     * Bounds of the writer (how many changes may wait for a commit, and how many go in one) and of
     * what the visitors in memory may cost (bytes, node and site; an optional count cap, 0: none).
     */
    public record Sizes(int queueCapacity, int maxBatch, long visitorBytes, long visitorBytesPerSite, int maxVisitors,
                        int lockWaitMillis, long minFreeDiskBytes, long siteWriteBytesPerSecond) {}

    private Embedded() {}

    /**
     * Opens the file (creating it and the data dir if needed) and restores every site; completes once
     * traffic may start. {@code historyReads}: a history will read the outbox, so its entries are
     * kept for it from the first moment, across restarts.
     */
    public static Future<Backend> open(Path dataDir, Sizes sizes, boolean historyReads, Vertx vertx, SiteLanes lanes, Hub hub, ChangeListener stream,
                                       SiteRules rules, TippenMetrics metrics, Clock clock) {
        SqliteDatabase db = SqliteDatabase.open(dataDir, sizes.lockWaitMillis());
        SqliteKeyStore keys = new SqliteKeyStore(db);
        SqliteStore store;
        try {
            store = new SqliteStore(db, sizes.queueCapacity(), sizes.maxBatch(), metrics, historyReads ? GroupCommitWriter.KEPT_FOR_READER : 0);
        } catch (RuntimeException e) {
            keys.close();
            throw e;
        }
        MemoryBroker broker = new MemoryBroker(stream);
        VisitorBudget budget = new VisitorBudget(sizes.visitorBytes(), sizes.visitorBytesPerSite(), sizes.maxVisitors());
        metrics.gauge("tippen_visitor_memory_bytes", "What the visitors this node holds are charged against its memory budget", budget::bytes);
        metrics.gauge("tippen_visitor_memory_budget_bytes", "The memory budget for visitors (half the heap unless set)", budget::maxBytes);
        LocalPresence presence = new LocalPresence(hub);
        EmbeddedEngine engine = new EmbeddedEngine(vertx, lanes, store, broker, presence, rules,
                budget, DiskSpace.watch(dataDir, sizes.minFreeDiskBytes()), sizes.siteWriteBytesPerSecond(),
                metrics, clock);
        SqliteOutbox outbox = new SqliteOutbox(db, store, engine);
        Backend backend = new Backend(engine, keys, broker, presence, outbox, new dev.tippen.call.LocalSignals(),
                new dev.tippen.call.LocalAgentLines());
        return engine.restore(store.restore()).map(backend).onFailure(err -> backend.close());
    }
}
