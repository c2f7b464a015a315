package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tippen.app.App;
import dev.tippen.engine.embedded.SqliteDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data dir written by an earlier release (made by {@link UpgradeFixture} from that release's jar)
 * opens and migrates forward: its keys, webhook and recorded visits are there, the erasure it did
 * stays done, and tracking carries on. A data dir from a newer release is refused, not misread.
 */
class UpgradeTest {
    /** Every release whose data dir a test opens; add one per release (src/test/resources/upgrade). */
    static final List<String> RELEASES = List.of("0.1.0");

    @TempDir
    Path dir;

    Path unpack(String version) throws Exception {
        Path target = Files.createDirectories(dir.resolve(version));
        Path archive = target.resolve("data.tar.gz");
        try (InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/tippen-" + version + "-data.tar.gz")) {
            assertThat(in).as("the fixture of " + version).isNotNull();
            Files.copy(in, archive);
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", target.toString()).inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        return target.resolve("data");
    }

    static JsonObject manifest(String version) throws Exception {
        try (InputStream in = UpgradeTest.class.getResourceAsStream("/upgrade/tippen-" + version + ".json")) {
            return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyEarlierReleasesDataDirOpensAndMigratesForward() throws Exception {
        for (String version : RELEASES) {
            JsonObject was = manifest(version);
            Path data = unpack(version);
            String secret = was.getString("secretKey");
            Set<String> recorded = new HashSet<>();
            was.getJsonArray("visitors").forEach(v -> recorded.add((String) v));
            try (TestServer server = TestServer.start(data, c -> c)) {
                // The keys it made still work, both ways.
                assertThat(server.track(was.getString("publicKey"), "pageview", "after_upgrade").status()).isEqualTo(200);
                try (TestServer.Socket dash = server.dashboard(secret)) {
                    assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).as(version).contains("after_upgrade");
                }
                JsonArray hooks = WebhookTest.api(server, secret, "GET", "/api/webhooks", null).json().getJsonArray("webhooks");
                assertThat(hooks.stream().map(h -> ((JsonObject) h).getString("id"))).as(version).containsExactly(was.getString("webhookId"));
                // Every visit it recorded, and the new one; never the visitor it erased.
                Set<String> expected = new HashSet<>(recorded);
                expected.add("after_upgrade");
                Set<String> visits = TestServer.eventually(version + ": the visits it recorded and the new one", Duration.ofSeconds(30),
                        () -> visitorsOf(HistoryApiTest.api(server, secret, "/api/visits?limit=100").json().getJsonArray("visits")),
                        seen -> seen.containsAll(expected));
                assertThat(visits).as(version).doesNotContain(was.getString("erased"));
                assertThat(HistoryApiTest.api(server, secret, "/api/visitors/" + was.getString("erased")).status()).isEqualTo(404);
            }
            assertThat(storeSchema(data)).as("tippen.db stamped").isEqualTo(SqliteDatabase.SCHEMA_VERSION);
            assertThat(historySchema(data)).as("history.db migrated to the newest").isEqualTo(newestHistoryMigration());
        }
    }

    @Test
    void aDataDirFromANewerReleaseIsRefusedNotMisread() throws Exception {
        Path store = unpack(RELEASES.get(RELEASES.size() - 1));
        sql(store.resolve("tippen.db"), "PRAGMA user_version=" + (SqliteDatabase.SCHEMA_VERSION + 1));
        assertThatThrownBy(() -> App.start(TestServer.testDefaults(store)).close())
                .hasMessageContaining("written by a newer Tippen").hasMessageContaining("tippen restore");

        Files.move(store.getParent(), dir.resolve("refused"));
        Path history = unpack(RELEASES.get(RELEASES.size() - 1));
        sql(history.resolve("history.db"), "INSERT INTO history_schema (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) SELECT max(installed_rank) + 1, '99', 'from the future', 'SQL', 'V99__x.sql',"
                + " 0, 'tippen', 1, 1 FROM history_schema");
        assertThatThrownBy(() -> App.start(TestServer.testDefaults(history)).close())
                .hasMessageContaining("migrated by a newer Tippen (schema 99");
    }

    private static Set<String> visitorsOf(JsonArray visits) {
        Set<String> ids = new HashSet<>();
        visits.forEach(v -> ids.add(((JsonObject) v).getString("visitorId")));
        return ids;
    }

    private static int storeSchema(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tippen.db"));
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private static String historySchema(Path data) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("history.db"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM history_schema WHERE success = 1 ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.getString(1);
        }
    }

    /** The highest V<n>__ script this build ships for SQLite. */
    private static String newestHistoryMigration() throws Exception {
        Path scripts = Path.of(UpgradeTest.class.getResource("/db/history/sqlite").toURI());
        try (Stream<Path> files = Files.list(scripts)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).max((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)))
                    .orElseThrow();
        }
    }

    private static void sql(Path db, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }
}
