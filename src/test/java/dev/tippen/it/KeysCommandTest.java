package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.Main;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tippen keys ...} against the store of a running server, which picks changes up without a restart. */
class KeysCommandTest {
    record Run(int exit, String out, String err) {}

    static Run keys(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void createListRotateRevokeWhileTheServerRuns() throws Exception {
        Path dir = Files.createTempDirectory("tippen-keys");
        try (TestServer server = TestServer.start(dir, c -> c.withDemo(false))) {
            Run created = keys("keys", "create", "--name", "Acme", "--json", "--data-dir", dir.toString());
            assertThat(created.exit()).isZero();
            JsonObject site = new JsonObject(created.out().trim());
            String publicKey = site.getString("publicKey");
            String secretKey = site.getString("secretKey");
            assertThat(publicKey).startsWith("pk_").hasSizeGreaterThanOrEqualTo(3 + 22);
            assertThat(secretKey).startsWith("sk_");
            assertThat(site.getString("name")).isEqualTo("Acme");

            server.waitForKey(publicKey);
            assertThat(server.track(publicKey, "pageview", "v1").status()).isEqualTo(200);

            Run list = keys("keys", "list", "--data-dir", dir.toString());
            assertThat(list.out()).contains(site.getString("siteId")).contains("Acme").contains(publicKey);
            assertThat(list.out()).doesNotContain(secretKey);
            // Secrets are stored hashed: the file never holds the secret key.
            assertThat(new String(Files.readAllBytes(dir.resolve("tippen.db")), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(secretKey);

            TestServer.Socket dash = server.dashboard(secretKey);
            dash.next("INITIAL_VISITORS");
            Run rotated = keys("keys", "rotate-secret", site.getString("siteId"), "--data-dir", dir.toString());
            assertThat(rotated.exit()).isZero();
            String newSecret = rotated.out().replace("secret key:", "").trim();
            assertThat(newSecret).startsWith("sk_").isNotEqualTo(secretKey);
            // The socket opened with the old secret is closed once the server notices.
            assertThat(dash.awaitClose()).isEqualTo(1008);
            assertThat(server.refusedUpgrade("/ws/dashboard?apiKey=" + secretKey)).isEqualTo(403);
            try (TestServer.Socket fresh = server.dashboard(newSecret)) {
                assertThat(TestServer.ids(fresh.next("INITIAL_VISITORS"))).contains("v1");
            }

            Run revoked = keys("keys", "revoke", site.getString("siteId"), "--data-dir", dir.toString());
            assertThat(revoked.exit()).isZero();
            assertThat(revoked.out()).contains("revoked 2 keys");
            TestServer.eventually("the revoked key refused", java.time.Duration.ofSeconds(5),
                    () -> server.track(publicKey, "pageview", "v1").status(), status -> status == 403);
            assertThat(keys("keys", "revoke", "pk_nothing", "--data-dir", dir.toString()).exit()).isEqualTo(1);
        }
    }

    @Test
    void singleKeySitesWarnAndHelpExplainsOptions() throws Exception {
        Path dir = Files.createTempDirectory("tippen-keys");
        Run single = keys("keys", "create", "--name", "Legacy", "--single-key", "--json", "--data-dir", dir.toString());
        assertThat(single.exit()).isZero();
        assertThat(single.err()).contains("warning");
        JsonObject site = new JsonObject(single.out().trim());
        assertThat(site.getString("publicKey")).isEqualTo(site.getString("secretKey"));
        Run help = keys("serve", "--help");
        assertThat(help.out()).contains("--port", "--host", "--data-dir", "--visitor-ttl", "--sweep-interval", "--demo",
                "--trusted-proxy", "--allowed-origin", "TIPPEN_PORT");
    }

    @Test
    void keysExportedFromSqliteWorkAfterImportIntoRedis() throws Exception {
        Path dir = Files.createTempDirectory("tippen-keys");
        JsonObject site = new JsonObject(keys("keys", "create", "--name", "Moving", "--json", "--data-dir", dir.toString()).out().trim());
        keys("keys", "create", "--name", "Gone", "--data-dir", dir.toString());
        Run export = keys("keys", "export", "--data-dir", dir.toString());
        assertThat(export.exit()).isZero();
        assertThat(export.out().lines()).hasSize(2);
        assertThat(export.out()).doesNotContain(site.getString("secretKey"));
        Path file = Files.createTempFile("tippen-keys", ".jsonl");
        Files.writeString(file, export.out());
        try (TestServer cluster = TestServer.cluster()) {
            Run imported = keys("keys", "import", "--file", file.toString(), "--redis", cluster.redis.url());
            assertThat(imported.exit()).isZero();
            assertThat(imported.out()).contains("imported 2 sites");
            assertThat(keys("keys", "import", "--file", file.toString(), "--redis", cluster.redis.url()).out())
                    .contains("imported 0 sites, 2 already there");
            cluster.waitForKey(site.getString("publicKey"));
            assertThat(cluster.track(site.getString("publicKey"), "pageview", "v_moved").status()).isEqualTo(200);
            try (TestServer.Socket dash = cluster.dashboard(site.getString("secretKey"))) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsExactly("v_moved");
            }
        }
        Files.writeString(file, "not json\n");
        Run bad = keys("keys", "import", "--file", file.toString(), "--data-dir", Files.createTempDirectory("tippen-keys").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("line 1");
    }

    @Test
    void aDataDirWithoutTippenDataIsSaidToBeOneAndLeftAlone() throws Exception {
        Path nothing = Files.createTempDirectory("tippen-keys").resolve("data");
        for (String command : new String[] {"list", "export"}) {
            Run r = keys("keys", command, "--data-dir", nothing.toString());
            assertThat(r.exit()).as(command).isEqualTo(1);
            assertThat(r.err()).contains("no Tippen data in " + nothing.toAbsolutePath()).contains("--data-dir");
        }
        assertThat(Files.exists(nothing)).as("no empty data dir is left behind").isFalse();
    }
}
