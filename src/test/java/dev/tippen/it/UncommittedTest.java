package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nobody ever sees a state that was not stored. Another connection holds the database's write lock,
 * so the server's commits wait (or, past the lock wait, fail) while the test looks at what the
 * dashboards see.
 */
class UncommittedTest {

    /** Holds SQLite's write lock on the server's file until closed. */
    static final class Lock implements AutoCloseable {
        private final Connection c;

        Lock(TestServer server) throws Exception {
            c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve(SqliteDatabase.FILE_NAME));
            try (Statement st = c.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                st.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('test_lock', 'held')");
            }
        }

        @Override
        public void close() throws Exception {
            if (c.isClosed()) return;
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            }
            c.close();
        }
    }

    static CompletableFuture<TestServer.Response> trackLater(TestServer server, String key, String event, String visitorId) {
        return CompletableFuture.supplyAsync(() -> server.track(key, event, visitorId));
    }

    @Test
    void aDashboardJoiningWhileAChangeIsBeingStoredDoesNotSeeIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Joins");
            server.track(site.publicKey(), "pageview", "v_stored");
            CompletableFuture<TestServer.Response> pending;
            try (Lock lock = new Lock(server)) {
                pending = trackLater(server, site.publicKey(), "pageview", "v_pending");
                TestServer.sleep(300);
                assertThat(pending).as("the event waits for its commit").isNotDone();
                try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                    JsonObject initial = dash.next("INITIAL_VISITORS");
                    assertThat(TestServer.ids(initial)).containsExactly("v_stored");
                    lock.close();
                    assertThat(pending.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                    JsonObject update = dash.next("VISITOR_UPDATE");
                    assertThat(update.getJsonObject("visitor").getString("visitorId")).isEqualTo("v_pending");
                }
            }
        }
    }

    @Test
    void aFailedChangeLeavesTheVisitorAndTheExpiryOrderAsTheyWere() throws Exception {
        Duration ttl = Duration.ofMillis(2500);
        try (TestServer server = TestServer.start(c -> c.withTimes(ttl, Duration.ofMillis(100), Duration.ofMinutes(1))
                .withLimits(c.limits().withStoreLockWaitMillis(300)))) {
            KeyStore.CreatedSite site = server.createSite("Failures");
            server.track(site.publicKey(), "pageview", "v_old");
            TestServer.sleep(1200);
            server.track(site.publicKey(), "pageview", "v_young");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                try (Lock lock = new Lock(server)) {
                    TestServer.Response refused = server.track(site.publicKey(), "pageview", "v_old");
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.error()).contains("not stored");
                    TestServer.Response newcomer = server.track(site.publicKey(), "pageview", "v_never");
                    assertThat(newcomer.status()).isEqualTo(503);
                }
                dash.send("{\"type\":\"GET_VISITORS\"}");
                JsonObject list = dash.next("VISITOR_LIST");
                assertThat(TestServer.ids(list)).containsExactly("v_old", "v_young");
                assertThat(TrackContractTest.visitor(list, "v_old").getInteger("pageViews")).as("the refused view did not count")
                        .isEqualTo(1);
                // The refused event did not move v_old behind v_young: it expires first, on its own.
                JsonObject removed = dash.next("VISITOR_REMOVED");
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("v_old");
                assertThat(dash.next("VISITOR_REMOVED").getJsonArray("visitorIds").getList()).containsExactly("v_young");
            }
        }
    }

    @Test
    void aSweepThatCannotBeStoredRemovesNobody() throws Exception {
        Duration ttl = Duration.ofMillis(800);
        try (TestServer server = TestServer.start(c -> c.withTimes(ttl, Duration.ofMillis(100), Duration.ofMinutes(1))
                .withLimits(c.limits().withStoreLockWaitMillis(200)))) {
            KeyStore.CreatedSite site = server.createSite("Sweeps");
            server.track(site.publicKey(), "pageview", "v_idle");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                try (LogCapture log = new LogCapture(dev.tippen.engine.embedded.EmbeddedEngine.class); Lock lock = new Lock(server)) {
                    // Past the TTL with the file locked: every sweep's commit fails. Two have, and removed nobody.
                    TestServer.eventually("two sweeps failed to store", Duration.ofSeconds(10),
                            () -> log.lines().stream().filter(l -> l.contains("event=sweep_not_stored")).count() >= 2);
                    assertThat(dash.messages).noneMatch(m -> "VISITOR_REMOVED".equals(m.getString("type")));
                    dash.send("{\"type\":\"GET_VISITORS\"}");
                    assertThat(TestServer.ids(dash.next("VISITOR_LIST"))).containsExactly("v_idle");
                }
                JsonObject removed = dash.next("VISITOR_REMOVED");
                assertThat(removed.getJsonArray("visitorIds").getList()).isEqualTo(List.of("v_idle"));
            }
        }
    }
}
