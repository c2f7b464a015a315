package dev.tippen.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.engine.NoticeCodec;
import dev.tippen.engine.VisitorCodec;
import dev.tippen.it.TestServer;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.stream.Outbox;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.Removal;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal the group commit writes is the history's outbox: a page view is read from the row that
 * stores its visitor, other notices from rows of their own, in commit order, across restarts; rows
 * wait for the reader before they are trimmed, and an earlier release's outbox table is read first.
 */
class JournalOutboxTest {
    private static final String SITE = "site_j";
    private Vertx vertx;
    private Context lane;
    private Path dir;
    private SqliteDatabase db;
    private SqliteStore store;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        lane = vertx.getOrCreateContext();
        dir = Files.createTempDirectory("tippen-journal");
        db = SqliteDatabase.open(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (store != null) store.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Visitor visitor(String id, int pageViews, long at) {
        return VisitorCodec.read(("""
                {"visitorId":"%s","website":"shop.example","url":"https://shop.example/p%d","title":"Page %d","ip":"81.2.69.77",
                 "firstSeen":1000,"lastActivity":%d,"pageViews":%d,"status":"active","lastEvent":"pageview",
                 "visit":{"id":"vis_%s","startedAt":1000,"entryUrl":"https://shop.example/p1",
                  "trail":[{"url":"https://shop.example/p%d","title":"Page %d","enteredAt":%d}]}}""")
                .formatted(id, pageViews, pageViews, at, pageViews, id, pageViews, pageViews, at));
    }

    private void write(Write... writes) throws Exception {
        store.write(lane, List.of(writes)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Write.Put viewed(Visitor v) {
        return new Write.Put(SITE, v.visitorId(), v.lastActivity(), VisitorCodec.utf8(v), true);
    }

    private static Write.Record ended(Visitor v) {
        return new Write.Record(SITE, v.lastActivity(), NoticeCodec.writeRecorded(List.of(new Notice.VisitEnded(v, v.lastActivity(), Removal.EXIT))));
    }

    private long rows(String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void eventually(String what, BooleanSupplier ok) {
        TestServer.eventually(what, Duration.ofSeconds(10), ok);
    }

    private BooleanSupplier journalRowsAtMost(long n) {
        return () -> rows("SELECT count(*) FROM journal") <= n;
    }

    /** Everything readable from {@code after}, read to the end, as the history would. */
    private static List<Outbox.Entry> readAll(SqliteOutbox outbox, Map<String, String> after) {
        List<Outbox.Entry> out = new ArrayList<>();
        for (List<Outbox.Entry> batch; !(batch = outbox.read(after, 2)).isEmpty(); ) {
            out.addAll(batch);
            for (Outbox.Entry e : batch) after.put(e.stream(), e.position());
        }
        return out;
    }

    private static List<String> described(List<Outbox.Entry> entries) {
        List<String> out = new ArrayList<>();
        for (Outbox.Entry e : entries) {
            for (Notice.Recorded n : e.notices()) out.add(n.getClass().getSimpleName() + " " + n.visitorId() + " at " + e.at());
        }
        return out;
    }

    @Test
    void pageViewsAreReadFromTheirVisitorsRowsAndOtherNoticesFromTheirOwnInCommitOrderAcrossARestart() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        Visitor a1 = visitor("v_a", 1, 2_000);
        Visitor b1 = visitor("v_b", 1, 2_100);
        Visitor a2 = visitor("v_a", 2, 3_000);
        write(viewed(a1), viewed(b1));
        write(new Write.Touch(SITE, "v_a", 2_500, "heartbeat", null));
        write(viewed(a2));
        write(new Write.Remove(SITE, "v_b"), ended(b1));
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        Map<String, String> positions = new HashMap<>();
        List<Outbox.Entry> first = readAll(outbox, positions);
        assertThat(described(first)).containsExactly("PageViewed v_a at 2000", "PageViewed v_b at 2100", "PageViewed v_a at 3000",
                "VisitEnded v_b at 2100");
        Visitor read = ((Notice.PageViewed) first.get(2).notices().get(0)).visitor();
        assertThat(read.pageViews()).isEqualTo(2);
        assertThat(read.visit().current().url()).isEqualTo("https://shop.example/p2");

        // A restart: the sequence goes on, so the reader's position still means what it did.
        store.close();
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        outbox = new SqliteOutbox(db, store, null);
        write(viewed(visitor("v_c", 1, 4_000)));
        assertThat(described(readAll(outbox, positions))).containsExactly("PageViewed v_c at 4000");
        store.close();
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        assertThat(store.restore().get(SITE)).extracting(Visitor::visitorId).containsExactlyInAnyOrder("v_a", "v_c");
    }

    @Test
    void rowsWaitForTheReaderAndAreTrimmedOnceReadKeepingTheNewest() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        for (int i = 1; i <= 20; i++) write(viewed(visitor("v_" + i, 1, 1_000 + i)));
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        // The tables catch up at once while the writer is idle; the rows stay for the reader.
        eventually("caught up", () -> rows("SELECT count(*) FROM visitors") == 20);
        // One more commit once the tables caught up: whatever trimming follows a commit has had its
        // turn, and every row still waits for the reader.
        write(viewed(visitor("v_21", 1, 1_021)));
        eventually("caught up again", () -> rows("SELECT count(*) FROM visitors") == 21);
        assertThat(rows("SELECT count(*) FROM journal")).isEqualTo(21);
        Map<String, String> positions = new HashMap<>();
        List<Outbox.Entry> ten = new ArrayList<>();
        while (ten.size() < 10) {
            for (Outbox.Entry e : outbox.read(positions, 1)) {
                ten.add(e);
                positions.put(e.stream(), e.position());
            }
        }
        outbox.done(Map.of(SqliteOutbox.STREAM, ten.get(9).position()));
        eventually("the ten read are trimmed", journalRowsAtMost(11));
        write(viewed(visitor("v_22", 1, 1_022)));
        eventually("caught up with one more", () -> rows("SELECT count(*) FROM visitors") == 22);
        assertThat(rows("SELECT count(*) FROM journal")).as("unread rows stay").isEqualTo(12);
        List<Outbox.Entry> rest = readAll(outbox, positions);
        assertThat(rest).hasSize(12);
        outbox.done(Map.of(SqliteOutbox.STREAM, rest.get(11).position()));
        eventually("all read are trimmed but the newest", journalRowsAtMost(1));
        assertThat(rows("SELECT count(*) FROM journal")).isEqualTo(1);
    }

    @Test
    void withoutAReaderTheJournalIsTrimmedBehindTheTables() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), 0);
        for (int i = 1; i <= 20; i++) write(viewed(visitor("v_" + i, 1, 1_000 + i)));
        eventually("trimmed to the newest row", journalRowsAtMost(1));
        assertThat(rows("SELECT count(*) FROM visitors")).isEqualTo(20);
    }

    @Test
    void aReaderThatFallsTooFarBehindLosesTheOldestCountedAndNotTheDisk() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), 5);
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        Map<String, String> positions = new HashMap<>();
        write(viewed(visitor("v_0", 1, 1_000)));
        List<Outbox.Entry> first = readAll(outbox, positions);
        assertThat(first).hasSize(1);
        for (int i = 1; i <= 20; i++) write(viewed(visitor("v_" + i, 1, 1_000 + i)));
        eventually("all but the last five given up", journalRowsAtMost(6));
        List<Outbox.Entry> rest = readAll(outbox, positions);
        assertThat(described(rest)).as("the newest are still read, in order").endsWith("PageViewed v_20 at 1020");
        assertThat(outbox.dropped()).isEqualTo(21 - rest.size() - 1);
        assertThat(rest.size()).isBetween(5, 6);
    }

    @Test
    void theOutboxIsBusyWhileCommitsFollowOneAnotherAndNotWhenIdle() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        assertThat(outbox.busy()).as("idle: nothing committed yet").isFalse();
        boolean seenBusy = false;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; !seenBusy && System.nanoTime() < until; i++) {
            // One write after another: the writer commits back to back.
            write(viewed(visitor("v_" + i, 1, 1_000 + i)));
            seenBusy = outbox.busy();
        }
        assertThat(seenBusy).as("busy under back-to-back commits").isTrue();
        // Busy is a recent rate of commits: with none, it falls back to idle.
        eventually("idle again once the commits stop", () -> !outbox.busy());
    }

    @Test
    void aPositionFromAnotherJournalStartsOverAtTheBeginning() throws Exception {
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        write(viewed(visitor("v_a", 1, 1_000)), viewed(visitor("v_b", 1, 1_001)));
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        // The history kept its position while the live database was replaced by a new one.
        Map<String, String> positions = new HashMap<>(Map.of(SqliteOutbox.STREAM, "90000"));
        assertThat(described(readAll(outbox, positions))).containsExactly("PageViewed v_a at 1000", "PageViewed v_b at 1001");
        assertThat(outbox.dropped()).isZero();
    }

    @Test
    void whatAnEarlierReleasesOutboxTableHeldIsReadFirstAndTheTableDropped() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, site_id TEXT NOT NULL, at INTEGER NOT NULL, notices TEXT NOT NULL)");
            for (int i = 1; i <= 3; i++) {
                String notices = NoticeCodec.writeRecorded(List.of(new Notice.PageViewed(visitor("v_old" + i, 1, 500 + i))))
                        .replace("'", "''");
                st.execute("INSERT INTO outbox (site_id, at, notices) VALUES ('" + SITE + "', " + (500 + i) + ", '" + notices + "')");
            }
        }
        store = new SqliteStore(db, 100, 100, new TippenMetrics(), GroupCommitWriter.KEPT_FOR_READER);
        write(viewed(visitor("v_new", 1, 900)));
        SqliteOutbox outbox = new SqliteOutbox(db, store, null);
        // The first of the old rows was read by the earlier release already.
        Map<String, String> positions = new HashMap<>(Map.of(SqliteOutbox.LEGACY_STREAM, "1"));
        List<Outbox.Entry> all = readAll(outbox, positions);
        assertThat(described(all)).containsExactly("PageViewed v_old2 at 502", "PageViewed v_old3 at 503", "PageViewed v_new at 900");
        assertThat(all.get(0).stream()).isEqualTo(SqliteOutbox.LEGACY_STREAM);
        outbox.done(positions);
        eventually("the old table dropped", () -> rows("SELECT count(*) FROM sqlite_master WHERE name = 'outbox'") == 0);
    }
}
