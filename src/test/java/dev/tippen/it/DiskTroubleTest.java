package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tippen.app.App;
import dev.tippen.config.TippenConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The data dir cannot be written, or its disk fills up while serving. A full disk is a real one: a
 * 16 MiB tmpfs mounted in a private mount namespace of the child server (unshare needs no root), which
 * the test fills and empties from outside through /proc/PID/root.
 */
class DiskTroubleTest {

    @Test
    void aDataDirThatCannotBeCreatedStopsStartUpWithTheDirInTheMessage() throws Exception {
        Path file = Files.createTempFile("tippen-not-a-dir", "");
        Path dataDir = file.resolve("data");
        assertThatThrownBy(() -> App.start(TippenConfig.defaults(dataDir).withPort(0)))
                .hasMessageContaining("cannot create data dir " + dataDir);

        // From the command line: one line naming the dir, exit code 1, no stack trace.
        Process p = new ProcessBuilder(serve(dataDir, 0)).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("tippen: cannot start: cannot create data dir " + dataDir).doesNotContain("\tat ");
    }

    @Test
    void aReadOnlyDiskStopsStartUpWithAClearError() throws Exception {
        assumeTrue(namespacesWork(), "needs unprivileged user and mount namespaces (unshare -rm)");
        Path mount = Files.createTempDirectory("tippen-ro");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c",
                "mount -t tmpfs -o ro,size=1m tmpfs \"$0\" && exec \"$@\"", mount.toString()));
        cmd.addAll(serve(mount.resolve("data"), 0));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("cannot create data dir " + mount.resolve("data")).contains("Read-only file system")
                .doesNotContain("\tat ");
    }

    @Test
    void aFullDiskAnswers503NeverLosesAnAcknowledgedEventAndRecoversWhenSpaceReturns() throws Exception {
        assumeTrue(namespacesWork(), "needs unprivileged user and mount namespaces (unshare -rm)");
        Path mount = Files.createTempDirectory("tippen-disk");
        int port = ChildJvm.freePort();
        List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c",
                "mount -t tmpfs -o size=16m tmpfs \"$0\" && exec \"$@\"", mount.toString()));
        cmd.addAll(serve(mount.resolve("data"), port));
        cmd.add("--demo");
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("tippen-disk", ".log").toFile()).start();
        try {
            ChildJvm.awaitReady(server, port, 30_000, null);
            // The child's view of the mount, from outside its namespace.
            Path disk = Path.of("/proc", Long.toString(server.pid()), "root").resolve(mount.toString().substring(1));
            Set<String> acknowledged = new HashSet<>();
            Set<String> refused = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                assertThat(track(port, "before_" + i)).isEqualTo(200);
                acknowledged.add("before_" + i);
            }

            Path filler = disk.resolve("filler");
            fill(filler);
            int consecutive503 = 0;
            for (int i = 0; i < 5_000 && consecutive503 < 50; i++) {
                String id = "full_" + i;
                int status = track(port, id);
                assertThat(status).as("a full disk answers 200 or 503, never anything else").isIn(200, 503);
                if (status == 200) {
                    acknowledged.add(id);
                    consecutive503 = 0;
                } else {
                    refused.add(id);
                    consecutive503++;
                }
            }
            assertThat(consecutive503).as("tracking answers 503 once the disk is full").isEqualTo(50);
            HttpResponse<String> refusal = post(port, "full_probe");
            assertThat(refusal.statusCode()).isEqualTo(503);
            assertThat(refusal.headers().firstValue("Retry-After")).isPresent();
            assertThat(new io.vertx.core.json.JsonObject(refusal.body()).getString("error")).contains("not stored");
            refused.add("full_probe");
            assertThat(status(port, "/readyz")).isEqualTo(503);
            assertThat(status(port, "/healthz")).as("alive, only not ready").isEqualTo(200);

            // Space returns: readiness comes back by itself, without any tracking traffic.
            Files.delete(filler);
            long deadline = System.currentTimeMillis() + 15_000;
            while (status(port, "/readyz") != 200 && System.currentTimeMillis() < deadline) Thread.sleep(200);
            assertThat(status(port, "/readyz")).as("ready again once space returns").isEqualTo(200);
            for (int i = 0; i < 50; i++) {
                assertThat(track(port, "after_" + i)).isEqualTo(200);
                acknowledged.add("after_" + i);
            }

            try (TestServer.Socket dash = TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=demo_api_key")) {
                List<String> listed = TestServer.ids(dash.next("INITIAL_VISITORS"));
                assertThat(listed).containsAll(acknowledged);
                refused.removeAll(acknowledged);
                assertThat(listed).as("a visitor whose only event was refused is not shown").doesNotContainAnyElementsOf(refused);
            }
            System.out.printf("disk full: %d acknowledged, %d refused with 503, recovered%n", acknowledged.size(), refused.size());
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> serve(Path dataDir, int port) {
        return new ArrayList<>(ChildJvm.command(List.of("-Xmx256m"), List.of("serve", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--track-limit-ip", "off", "--track-limit-site", "off",
                // The disk here really fills: the free-space watermark (DiskLimitsTest) would refuse first.
                "--min-free-disk", "0")));
    }

    /** Writes until the disk says no more. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1_000; i++) out.write(block);
            throw new AssertionError("the 16 MiB disk never filled");
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left");
        }
    }

    private static boolean namespacesWork() {
        try {
            Process p = new ProcessBuilder("unshare", "-rm", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int track(int port, String visitorId) throws Exception {
        return post(port, visitorId).statusCode();
    }

    /** A page view with a long URL, so each event takes real space on the disk. */
    private static HttpResponse<String> post(int port, String visitorId) throws Exception {
        String body = TestServer.trackBody("pageview", visitorId)
                .replace("https://example.com/p/pageview", "https://example.com/" + "x".repeat(2000));
        return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                .timeout(Duration.ofSeconds(10)).header("X-Tippen-API-Key", "demo_api_key")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(int port, String path) throws Exception {
        return TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
