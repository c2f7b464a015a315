package dev.tippen.team;

import dev.tippen.site.ApiKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what people and keys did, off the caller's thread: entries wait in a bounded queue
 * (10,000) and a single writer stores them in batches. A full queue drops the entry, counts it and
 * logs it (ids only), rather than slow down the action it records.
 */
public final class Audit implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Audit.class);
    static final int CAPACITY = 10_000;

    /** Who acted: a person, the site's API key, the command line or the server. */
    public record Actor(String type, String id, String name) {
        public static final Actor API_KEY = new Actor("apiKey", null, "API key");
        public static final Actor CLI = new Actor("cli", null, "command line");

        public static Actor user(String userId, String name) {
            return new Actor("user", userId, name);
        }
    }

    private final TeamStore store;
    private final BlockingQueue<AuditEntry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public Audit(TeamStore store) {
        this.store = store;
        this.writer = new Thread(this::drain, "tippen-audit");
        writer.setDaemon(true);
        if (store != null) writer.start();
    }

    /** For a server that keeps no team (several nodes without PostgreSQL): records nothing. */
    public static Audit off() {
        return new Audit(null);
    }

    /** Records an entry for a site; never blocks. */
    public void record(String siteId, Actor actor, String action, String target, String detail) {
        if (siteId == null || store == null) return;
        AuditEntry e = entry(siteId, actor, action, target, detail, System.currentTimeMillis());
        if (!queue.offer(e)) {
            dropped.incrementAndGet();
            log.warn("event=audit_dropped site={} action={} note=\"the audit queue is full\"", siteId, action);
        }
    }

    /** Blocking: for the command line, which has no writer thread to wait for. */
    public static void recordNow(TeamStore store, String siteId, Actor actor, String action, String target, String detail) {
        store.audit(List.of(entry(siteId, actor, action, target, detail, System.currentTimeMillis())));
    }

    static AuditEntry entry(String siteId, Actor actor, String action, String target, String detail, long at) {
        // 13 digits of milliseconds sort as text until the year 2286; the tail keeps ids unique.
        String id = String.format("%013d", at) + "_" + ApiKeys.randomToken(8);
        return new AuditEntry(id, siteId, at, actor.type(), actor.id(), actor.name(), action, target, detail);
    }

    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        List<AuditEntry> batch = new ArrayList<>(256);
        while (!closed || !queue.isEmpty()) {
            try {
                AuditEntry first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, 255);
                store.audit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The store is away: these entries are lost, said once per batch; the next batch tries again.
                dropped.addAndGet(batch.size());
                log.warn("event=audit_write_failed entries={} error=\"{}\"", batch.size(), e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Waits (up to 2 s) for what is queued to be stored. */
    @Override
    public void close() {
        closed = true;
        if (store == null) return;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocking: waits until what was recorded before this call is stored (tests, shutdown). */
    public void flush() {
        long deadline = System.currentTimeMillis() + 2000;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
