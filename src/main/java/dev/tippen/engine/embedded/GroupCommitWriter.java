package dev.tippen.engine.embedded;

import dev.tippen.metrics.TippenMetrics;
import dev.tippen.visitor.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns the write connection. It takes whatever writes are queued, stores them in one
 * transaction (one fsync), and only then completes their futures: one task per site lane for the
 * whole batch, not one per write. A burst of N events costs one commit, not N. The queue is bounded:
 * when it is full, new writes fail at once as overloaded.
 *
 * <p>A commit appends the batch's changes to the journal: a few small rows at the end of one table,
 * where rewriting each visitor's row would rewrite a page per visitor (measured: most of a commit's
 * time). The visitor tables catch up from the journal a few visitors per commit, oldest change first
 * (more when the writer is idle or falling behind), and the journal is trimmed behind them, all in
 * the same transactions; a visitor changed again before it was caught up is written once for all
 * its changes. At start what the tables lack is applied from the journal, so the tables alone are
 * the restored state.
 *
 * <p>The journal is also the outbox the history reads ({@link SqliteOutbox}): a change's recorded
 * notices are a row of their own, or, for a page view, a mark on the row that stores the visitor
 * (the notice is that visitor). With a reader, rows are kept until it has read them.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    /**
     * A visitor's changes wait this long in the journal before its row is caught up, so a busy
     * visitor's many changes are written once (an idle writer catches up visitors of any age, {@link #CATCH_UP_MAX} a commit).
     */
    static final long CATCH_UP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * The most visitors caught up in one commit, busy or idle, so no commit grows long: an idle commit
     * of 1,000 took 75 ms, and every event arriving meanwhile waited for it (measured).
     */
    static final int CATCH_UP_MAX = 256;
    /** Past this many visitors behind, commits catch up as many as they may, whatever their age. */
    static final int BEHIND = 20_000;
    /**
     * Journal rows are trimmed a few hundred at a time ({@link #TRIM_MIN} to {@link #TRIM_MAX} per
     * commit), so no commit stalls the acknowledgements behind it: trims of 4,096 to 16,384 rows took
     * 25 to 140 ms each, every few seconds under 2,000 events/s (measured).
     */
    static final int TRIM_MAX = 2_048;
    static final int TRIM_MIN = 512;
    /**
     * The most rows kept for a reader that falls behind (its own storage failing for hours): past
     * this, the oldest are given up rather than the disk, and the reader counts them.
     */
    static final long KEPT_FOR_READER = 2_000_000;
    private static final long SLOW_COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int KIND_PUT = 1;
    static final int KIND_TOUCH = 2;
    static final int KIND_REMOVE = 3;
    /** Recorded notices, as their JSON in {@code data}; not a visitor's row. */
    static final int KIND_NOTICES = 4;
    /** A {@link #KIND_PUT} whose change's one recorded notice is the page view of the visitor it stores. */
    static final int KIND_PUT_VIEWED = 5;
    /** In {@code meta}: every journal row before this one is in the visitor tables. */
    private static final String APPLIED_BEFORE = "journal_applied_before";

    private record Job(Context lane, List<Write> writes, Promise<Void> done) {}

    /**
     * What changes leave of one visitor's rows: its last full write and the activity after it, as the
     * journal's sequence numbers of those changes (0: none). Catching up copies them from the journal
     * inside SQLite, so the writer keeps no visitor's data in memory while it waits.
     */
    private static final class Row {
        long putSeq;
        long touchSeq;
        boolean removed;
        /** The journal's first change of this visitor that the tables do not have yet, and when it was made. */
        long firstSeq;
        long firstNanos;

        void add(Row later) {
            if (later.removed) {
                putSeq = 0;
                touchSeq = 0;
                removed = true;
            }
            if (later.putSeq != 0) {
                putSeq = later.putSeq;
                touchSeq = 0;
            }
            if (later.touchSeq != 0) touchSeq = later.touchSeq;
        }
    }

    private record RowKey(String siteId, String visitorId) {}

    private final BlockingQueue<Job> queue;
    private final int maxBatch;
    private final SqliteDatabase db;
    private final TippenMetrics metrics;
    /** Changes in the journal that the visitor tables do not have yet, oldest first; the writer thread's own. */
    private final LinkedHashMap<RowKey, Row> behind = new LinkedHashMap<>();
    /** The newest journal row committed; written by this writer's thread only, read by the outbox's reader too. */
    private volatile long lastSeq;
    // Owned by the writer thread; replaced after a failed commit (see reopen()).
    private Connection conn;
    private PreparedStatement journal;
    private PreparedStatement trim;
    private PreparedStatement putVisitor;
    private PreparedStatement touchVisitor;
    private PreparedStatement removeVisitor;
    private PreparedStatement removeActivity;
    private PreparedStatement markApplied;
    private final Thread thread;
    private volatile boolean accepting = true;
    private volatile boolean healthy = true;
    /** How many rows wait for a reader (the history) before they are trimmed, at most; 0: nothing reads the journal. */
    private final long keptForReader;
    /** The reader has every row up to this sequence number. */
    private volatile long readUpTo;
    /** Statements a reader asked for, run in the next commit (the writer is the file's one writer). */
    private final Queue<String> chores = new ConcurrentLinkedQueue<>();
    /** Rows before this one are gone from the journal. */
    private long trimmedBefore;
    private long markedApplied;
    private long lastProbe;
    /** Time spent in commits of changes since start: how busy tracking keeps this writer. */
    private volatile long busyNanos;
    /** The log has grown past its bound (see {@link #restartLogSoon}). */
    private volatile boolean restartLog;
    /** An erasure was committed since the last commit (see {@link #erased}). */
    private volatile boolean erasure;
    /** Journal rows up to this one may hold an erased visitor: they are deleted with their bytes overwritten. */
    private long secureUpTo;
    /** Whether the connection deletes with {@code secure_delete=ON} now (else FAST). */
    private boolean secureNow;

    GroupCommitWriter(SqliteDatabase db, int capacity, int maxBatch, TippenMetrics metrics, long keptForReader) throws SQLException {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        this.db = db;
        this.keptForReader = keptForReader;
        open();
        applyJournal();
        // Nothing is known of erasures before this start (one may have been committed just before a
        // crash): what the journal holds now leaves it overwritten, and the free pages are overwritten once.
        erased();
        this.thread = new Thread(this::run, "tippen-store-writer");
        this.thread.start();
    }

    private void open() throws SQLException {
        conn = db.connect();
        WalCheckpointer.disableAutomaticCheckpoints(conn);
        try (Statement st = conn.createStatement()) {
            // The tables' pages are rewritten over and over: keep them in memory (32 MiB) and read the
            // file through a map rather than read().
            st.execute("PRAGMA cache_size=-32768");
            st.execute("PRAGMA mmap_size=268435456");
            // Deleted rows are zeroed where they sit, but a page freed whole is not rewritten: ON zeroed
            // every trimmed journal page, doubling what commits wrote and making each trim a 100 ms commit
            // (measured). Erasures get ON, and the free pages overwritten, instead (see erased()).
            st.execute("PRAGMA secure_delete=FAST");
        }
        secureNow = false;
        conn.setAutoCommit(false);
        // Prepared once per connection: the writer thread is their only user.
        journal = conn.prepareStatement("""
                INSERT INTO journal (seq, site_id, visitor_id, kind, last_activity, last_event, client_ts, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""");
        trim = conn.prepareStatement("DELETE FROM journal WHERE seq < ?");
        // Catching up copies a journal row into its table; "WHERE true" lets SQLite tell the upsert from the select.
        putVisitor = conn.prepareStatement("""
                INSERT INTO visitors (site_id, visitor_id, last_activity, data)
                SELECT site_id, visitor_id, last_activity, data FROM journal WHERE seq = ? AND true
                ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_activity = excluded.last_activity, data = excluded.data""");
        touchVisitor = conn.prepareStatement("""
                INSERT INTO visitor_activity (site_id, visitor_id, last_activity, last_event, client_ts)
                SELECT site_id, visitor_id, last_activity, last_event, client_ts FROM journal WHERE seq = ? AND true
                ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_activity = excluded.last_activity,
                  last_event = excluded.last_event, client_ts = excluded.client_ts""");
        removeActivity = conn.prepareStatement("DELETE FROM visitor_activity WHERE site_id = ? AND visitor_id = ?");
        removeVisitor = conn.prepareStatement("DELETE FROM visitors WHERE site_id = ? AND visitor_id = ?");
        markApplied = conn.prepareStatement("INSERT OR REPLACE INTO meta (k, v) VALUES ('" + APPLIED_BEFORE + "', ?)");
    }

    /**
     * At start, before anything reads the tables: what a crash left in the journal goes into them.
     * The sequence goes on from the journal's newest row, which is never trimmed, so a reader's
     * position stays valid across restarts.
     */
    private void applyJournal() throws SQLException {
        long from;
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce((SELECT max(seq) FROM journal), 0), coalesce((SELECT min(seq) FROM journal), 1), "
                     + "(SELECT v FROM meta WHERE k = '" + APPLIED_BEFORE + "')")) {
            rs.next();
            lastSeq = rs.getLong(1);
            trimmedBefore = rs.getLong(2);
            from = rs.getString(3) == null ? 0 : Long.parseLong(rs.getString(3));
        }
        Map<RowKey, Row> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT seq, site_id, visitor_id, kind FROM journal WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row change = new Row();
                    switch (rs.getInt(4)) {
                        case KIND_PUT, KIND_PUT_VIEWED -> change.putSeq = rs.getLong(1);
                        case KIND_TOUCH -> change.touchSeq = rs.getLong(1);
                        case KIND_REMOVE -> change.removed = true;
                        default -> {
                            continue;
                        }
                    }
                    rows.computeIfAbsent(new RowKey(rs.getString(2), rs.getString(3)), k -> new Row()).add(change);
                }
            }
        }
        writeRows(rows);
        markApplied.setString(1, Long.toString(lastSeq + 1));
        markApplied.executeUpdate();
        markedApplied = lastSeq + 1;
        conn.commit();
        if (!rows.isEmpty()) log.info("event=journal_applied visitors={}", rows.size());
    }

    /**
     * After a failed commit the connection's transaction state is unknown: SQLite rolls back by itself
     * on SQLITE_FULL and I/O errors, and the driver then runs later statements outside any transaction.
     * A fresh connection is the one state we can be sure of. If even that fails (the disk is still
     * gone), the next batch tries again.
     */
    private void reopen() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // Closing a connection we are replacing; its state is what we are getting rid of.
        }
        try {
            open();
        } catch (SQLException e) {
            conn = null;
            log.warn("event=store_reopen_failed error=\"{}\"", e.getMessage());
        }
    }

    /** Completes on {@code lane} once the writes are durable. */
    Future<Void> submit(Context lane, List<Write> writes) {
        if (!accepting) return Future.failedFuture(new StoreException("storage is shutting down", false, null));
        Promise<Void> done = Promise.promise();
        if (!queue.offer(new Job(lane, writes, done))) {
            return Future.failedFuture(new StoreException("storage queue is full", true, null));
        }
        return done.future();
    }

    /** The reader has the journal up to {@code seq}: those rows may be trimmed, in a later commit. */
    void read(long seq) {
        if (seq > readUpTo) readUpTo = seq;
    }

    /** Runs {@code sql} in the next commit: for a reader's housekeeping, as this thread is the file's one writer. */
    void inNextCommit(String sql) {
        chores.add(sql);
    }

    /**
     * An erasure was committed. In the next commit the file's free pages are overwritten, and until
     * every journal row written before now has been trimmed, commits delete with {@code secure_delete=ON}:
     * the erased visitor's rows, and its row in the visitor tables, leave nothing behind.
     */
    void erased() {
        erasure = true;
    }

    /**
     * The write-ahead log has grown past its bound. After the next commit this thread copies the log's
     * last frames into the file, with no commit beside it, so the commit after starts the log over (a
     * checkpoint beside a commit never copies them all). The checkpointer has copied and synced the rest.
     */
    void restartLogSoon() {
        restartLog = true;
    }

    boolean healthy() {
        return healthy;
    }

    /** The sequence of the newest journal row committed: it moves exactly when the journal has something new. */
    long newest() {
        return lastSeq;
    }

    /** Nanoseconds spent committing changes since start (only this writer's thread adds to it). */
    long busyNanos() {
        return busyNanos;
    }

    private void run() {
        List<Job> batch = new ArrayList<>(maxBatch);
        while (accepting || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (!healthy) probe();
                    else if (erasure || !behind.isEmpty() || !chores.isEmpty() || keepFrom(lastSeq + 1, lastSeq) > trimmedBefore
                            || markedApplied < lastSeq + 1) commit(batch);
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                // Never let the writer die: fail this batch and keep serving the next.
                log.error("event=store_writer_error error=\"{}\"", e.toString(), e);
                fail(batch, e);
            } finally {
                batch.clear();
            }
        }
        // A clean stop leaves the tables complete, so the next start has no journal to apply.
        while (healthy && !behind.isEmpty()) commit(batch);
    }

    /**
     * While storage is failing and no events arrive, a small write once a second finds out when it works
     * again (space freed, disk remounted), so readiness recovers without waiting for traffic that a
     * load balancer is no longer sending.
     */
    private void probe() {
        long now = System.currentTimeMillis();
        if (now - lastProbe < 1000) return;
        lastProbe = now;
        try {
            if (conn == null) open();
            try (PreparedStatement st = conn.prepareStatement("INSERT OR REPLACE INTO meta (k, v) VALUES ('write_probe', ?)")) {
                st.setString(1, Long.toString(now));
                st.executeUpdate();
            }
            conn.commit();
            healthy = true;
            log.info("event=store_recovered");
        } catch (SQLException e) {
            if (conn != null) reopen();
        }
    }

    private void commit(List<Job> batch) {
        // The batch's changes, journalled one after another; one entry per visitor, in order of first change.
        Map<RowKey, Row> rows = new LinkedHashMap<>();
        // Catch up the oldest of what the tables lack: those past their wait, or any when idle or far behind.
        long now = System.nanoTime();
        boolean all = batch.isEmpty() || behind.size() > BEHIND;
        int most = CATCH_UP_MAX;
        Map<RowKey, Row> caught = new LinkedHashMap<>();
        Iterator<Map.Entry<RowKey, Row>> oldest = behind.entrySet().iterator();
        while (oldest.hasNext() && caught.size() < most) {
            Map.Entry<RowKey, Row> e = oldest.next();
            if (!all && now - e.getValue().firstNanos < CATCH_UP_AFTER_NANOS) break;
            caught.put(e.getKey(), e.getValue());
        }
        long seq = lastSeq;
        long trimTo = trimmedBefore;
        long applied = markedApplied;
        int notices = 0;
        long started = System.nanoTime();
        boolean scrub = erasure;
        if (scrub) {
            erasure = false;
            secureUpTo = lastSeq;
        }
        try {
            if (conn == null) open();
            secureDelete(trimmedBefore <= secureUpTo);
            for (Job job : batch) {
                for (Write w : job.writes()) {
                    long at = ++seq;
                    if (w instanceof Write.Record r) {
                        addJournal(at, r.siteId(), "", KIND_NOTICES, r.at(), null, null, r.notices().getBytes(StandardCharsets.UTF_8));
                        notices++;
                        continue;
                    }
                    Row change = new Row();
                    RowKey key;
                    if (w instanceof Write.Put p) {
                        key = new RowKey(p.siteId(), p.visitorId());
                        change.putSeq = at;
                        addJournal(at, key.siteId(), key.visitorId(), p.viewed() ? KIND_PUT_VIEWED : KIND_PUT, p.lastActivity(), null, null,
                                p.json());
                    } else if (w instanceof Write.Touch t) {
                        key = new RowKey(t.siteId(), t.visitorId());
                        change.touchSeq = at;
                        addJournal(at, key.siteId(), key.visitorId(), KIND_TOUCH, t.lastActivity(), t.lastEvent(), t.clientTimestamp(), null);
                    } else {
                        Write.Remove r = (Write.Remove) w;
                        key = new RowKey(r.siteId(), r.visitorId());
                        change.removed = true;
                        addJournal(at, key.siteId(), key.visitorId(), KIND_REMOVE, 0, null, null, null);
                    }
                    Row row = rows.get(key);
                    if (row == null) {
                        change.firstSeq = at;
                        change.firstNanos = now;
                        rows.put(key, change);
                    } else {
                        row.add(change);
                    }
                }
            }
            if (seq > lastSeq) journal.executeBatch();
            writeRows(caught);
            // The tables have everything before the oldest change still missing from them (this batch's are).
            long tablesFrom = behind.size() > caught.size() ? nth(caught.size()).firstSeq : lastSeq + 1;
            if (tablesFrom - applied > 4_096 || (batch.isEmpty() && tablesFrom > applied)) {
                markApplied.setString(1, Long.toString(tablesFrom));
                markApplied.executeUpdate();
                applied = tablesFrom;
            }
            long keepFrom = Math.min(keepFrom(tablesFrom, seq), trimmedBefore + TRIM_MAX);
            if (keepFrom - trimmedBefore >= TRIM_MIN || (batch.isEmpty() && keepFrom > trimmedBefore)) {
                trim.setLong(1, keepFrom);
                trim.executeUpdate();
                trimTo = keepFrom;
            }
            if (scrub) FreePages.overwrite(conn);
            runChores();
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            if (healthy) log.error("event=store_commit_failed error=\"{}\"", e.toString());
            healthy = false;
            if (scrub) erasure = true;
            fail(batch, e);
            if (conn != null) reopen();
            return;
        }
        lastSeq = seq;
        boolean trimmed = trimTo != trimmedBefore;
        trimmedBefore = trimTo;
        markedApplied = applied;
        // Only now, the commit being durable: the caught-up visitors are done, the batch's are behind.
        for (RowKey k : caught.keySet()) behind.remove(k);
        rows.forEach((k, row) -> {
            Row pending = behind.get(k);
            if (pending == null) behind.put(k, row);
            else pending.add(row);
        });
        if (!healthy) log.info("event=store_recovered");
        healthy = true;
        long took = System.nanoTime() - started;
        if (took > SLOW_COMMIT_NANOS) {
            log.info("event=slow_commit millis={} visitors={} caught_up={} behind={} trimmed={}", took / 1_000_000, rows.size(),
                    caught.size(), behind.size(), trimmed);
        }
        if (!batch.isEmpty()) {
            busyNanos += took;
            metrics.storeCommit(took, rows.size() + notices);
            complete(batch);
        }
        if (restartLog) backfillLog(); // after the acknowledgements: they do not wait for it
    }

    /**
     * Between two commits: the log's last frames into the file. A reader on an older snapshot may keep
     * some back; the checkpointer asks again while the log stays long.
     */
    private void backfillLog() {
        restartLog = false;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        } catch (SQLException e) {
            log.warn("event=checkpoint_failed error=\"{}\"", e.getMessage());
        }
    }

    private void secureDelete(boolean on) throws SQLException {
        if (on == secureNow) return;
        try (Statement st = conn.createStatement()) {
            st.execute(on ? "PRAGMA secure_delete=ON" : "PRAGMA secure_delete=FAST");
        }
        secureNow = on;
    }

    /**
     * The first journal row to keep: the tables need those from {@code tablesFrom}, the reader those
     * after what it has read, and the newest row stays whatever both say, so the sequence goes on
     * from it after a restart.
     */
    private long keepFrom(long tablesFrom, long newest) {
        long keep = keptForReader > 0 ? Math.min(tablesFrom, Math.max(readUpTo + 1, newest - keptForReader)) : tablesFrom;
        return Math.min(keep, newest);
    }

    /** A chore that fails is logged and dropped: it must not take the changes of the commit with it. */
    private void runChores() {
        for (String sql; (sql = chores.poll()) != null; ) {
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                log.warn("event=store_chore_failed sql=\"{}\" error=\"{}\"", sql, e.getMessage());
            }
        }
    }

    /** The {@code n}th visitor behind (0: the oldest). */
    private Row nth(int n) {
        Iterator<Row> it = behind.values().iterator();
        for (int i = 0; i < n; i++) it.next();
        return it.next();
    }

    private void addJournal(long seq, String siteId, String visitorId, int kind, long lastActivity, String lastEvent, String clientTs,
                            byte[] data) throws SQLException {
        journal.setLong(1, seq);
        journal.setString(2, siteId);
        journal.setString(3, visitorId);
        journal.setInt(4, kind);
        journal.setLong(5, lastActivity);
        journal.setString(6, lastEvent);
        journal.setString(7, clientTs);
        journal.setBytes(8, data);
        journal.addBatch();
    }

    /** Brings the visitor tables up to these visitors' latest changes, copied from the journal. */
    private void writeRows(Map<RowKey, Row> rows) throws SQLException {
        if (rows.isEmpty()) return;
        for (Map.Entry<RowKey, Row> e : rows.entrySet()) {
            RowKey k = e.getKey();
            Row row = e.getValue();
            if (row.removed) {
                removeVisitor.setString(1, k.siteId());
                removeVisitor.setString(2, k.visitorId());
                removeVisitor.addBatch();
            }
            if (row.putSeq != 0) {
                putVisitor.setLong(1, row.putSeq);
                putVisitor.addBatch();
            }
            // The activity row only ever holds what is newer than the visitor's JSON.
            if (row.touchSeq != 0) {
                touchVisitor.setLong(1, row.touchSeq);
                touchVisitor.addBatch();
            } else {
                removeActivity.setString(1, k.siteId());
                removeActivity.setString(2, k.visitorId());
                removeActivity.addBatch();
            }
        }
        removeVisitor.executeBatch();
        removeActivity.executeBatch();
        putVisitor.executeBatch();
        touchVisitor.executeBatch();
    }

    /** One task per lane completes all of that lane's writes of the batch, in their order. */
    private static void complete(List<Job> batch) {
        Map<Context, List<Promise<Void>>> byLane = new IdentityHashMap<>();
        for (Job job : batch) byLane.computeIfAbsent(job.lane(), k -> new ArrayList<>()).add(job.done());
        byLane.forEach((lane, promises) -> lane.runOnContext(v -> {
            for (Promise<Void> p : promises) p.tryComplete();
        }));
    }

    private void fail(List<Job> batch, Exception cause) {
        StoreException e = new StoreException("storage unavailable: " + cause.getMessage(), false, cause);
        Map<Context, List<Promise<Void>>> byLane = new IdentityHashMap<>();
        for (Job job : batch) byLane.computeIfAbsent(job.lane(), k -> new ArrayList<>()).add(job.done());
        byLane.forEach((lane, promises) -> lane.runOnContext(v -> {
            for (Promise<Void> p : promises) p.tryFail(e);
        }));
    }

    /** Stops accepting, stores everything already queued, then closes the connection. */
    @Override
    public void close() {
        accepting = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // Closing after the last commit; nothing left to lose.
        }
    }
}
