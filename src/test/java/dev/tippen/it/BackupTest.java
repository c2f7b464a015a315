package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.Main;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tippen backup} under load, then {@code tippen restore} into a fresh data dir: a server on
 * the restored data has every visitor acknowledged before the backup began, its keys and its
 * webhooks, and its history catches up on every one of those visits.
 */
class BackupTest {
    @TempDir
    Path scratch;

    record Run(int exit, String out, String err) {}

    static Run tippen(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aBackupTakenUnderLoadRestoresEveryAcknowledgedVisitorKeyAndWebhook() throws Exception {
        Path backup = scratch.resolve("backup");
        Path restored = scratch.resolve("restored");
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        KeyStore.CreatedSite site;
        String webhookId;
        List<String> before;
        try (TestServer server = TestServer.start(c -> c.with(b -> b.webhooks = dev.tippen.config.WebhookOptions.defaults().allowingLocal()))) {
            site = server.createSite("Backed up");
            webhookId = WebhookTest.create(server, site.secretKey(), new JsonObject().put("url", "http://127.0.0.1:9/hook")
                    .put("events", new JsonArray().add("visit.ended"))).getString("id");
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread worker = new Thread(() -> {
                    // Bounded: at most 20,000 events a thread, stopped by the test long before.
                    for (int i = 0; running.get() && i < 20_000; i++) {
                        String id = "b" + thread + "_" + i;
                        if (server.track(site.publicKey(), "pageview", id).status() == 200) acknowledged.add(id);
                    }
                });
                worker.start();
                load.add(worker);
            }
            TestServer.eventually("some load acknowledged", Duration.ofSeconds(20), () -> acknowledged.size() >= 300);
            before = List.copyOf(acknowledged);
            Run taken = tippen("backup", backup.toString(), "--data-dir", server.dataDir.toString());
            assertThat(taken.exit()).as(taken.err()).isZero();
            assertThat(taken.out()).contains("backed up tippen.db, team.db, history.db");
            int during = acknowledged.size() - before.size();
            TestServer.eventually("more load after the backup", Duration.ofSeconds(20), () -> acknowledged.size() >= before.size() + during + 100);
            running.set(false);
            for (Thread t : load) t.join(30_000);
            System.out.printf("backup: %d visitors acknowledged before it began, %d while it ran; %s", before.size(), during, taken.out());

            // A backup never goes over another.
            Run again = tippen("backup", backup.toString(), "--data-dir", server.dataDir.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("is not empty");
        }
        assertThat(Files.readString(backup.resolve("tippen-backup.json"))).contains("\"sha256\"").contains("tippen.db").contains("history.db");

        Run put = tippen("restore", backup.toString(), "--data-dir", restored.toString());
        assertThat(put.exit()).as(put.err()).isZero();
        try (TestServer server = TestServer.start(restored, c -> c)) {
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                Set<String> live = Set.copyOf(TestServer.ids(dash.next("INITIAL_VISITORS")));
                assertThat(live).as("every visitor acknowledged before the backup").containsAll(before);
            }
            JsonArray hooks = WebhookTest.api(server, site.secretKey(), "GET", "/api/webhooks", null).json().getJsonArray("webhooks");
            assertThat(hooks.stream().map(h -> ((JsonObject) h).getString("id"))).containsExactly(webhookId);
            // The history applies what the live state's outbox still held at the backup.
            TestServer.eventually("the history has every visit acknowledged before the backup", Duration.ofSeconds(30), () -> {
                JsonArray rows = HistoryApiTest.api(server, site.secretKey(), "/api/reports/pages?limit=1").json().getJsonArray("rows");
                return !rows.isEmpty() && rows.getJsonObject(0).getLong("visits") >= before.size();
            });
            // A restore never lands on data by accident.
            Run over = tippen("restore", backup.toString(), "--data-dir", restored.toString());
            assertThat(over.exit()).isEqualTo(1);
            assertThat(over.err()).contains("a server may be running on it");
        }
        Run replaced = tippen("restore", backup.toString(), "--data-dir", restored.toString(), "--replace");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("the files it replaced are in");
    }
}
