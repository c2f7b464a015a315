package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.Needs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image packaging wrote, without a container engine: its config says what a runtime
 * needs (a user that is not root, port 8787, /data as a volume, the entrypoint, a health check), and
 * its layers, unpacked and run as that config says in a mount namespace with the layers
 * as the root, serve: a site made with the image's own command line, a tracked visit seen on a
 * dashboard and in the history, and the health check answering from inside.
 */
class ImageIT {
    @TempDir
    Path dir;

    @Test
    void theImageRunsAsItsConfigSays() throws Exception {
        Path image = Path.of(System.getProperty("tippen.image", "target/tippen-image.tar"));
        assertThat(image).as("the image packaging wrote").exists();
        Path unpacked = Files.createDirectories(dir.resolve("image"));
        sh("tar", "-xf", image.toString(), "-C", unpacked.toString());
        JsonObject manifest = new JsonArray(Files.readString(unpacked.resolve("manifest.json"))).getJsonObject(0);
        JsonObject config = new JsonObject(Files.readString(unpacked.resolve(manifest.getString("Config")))).getJsonObject("config");

        assertThat(config.getString("User")).isEqualTo("10001:0");
        assertThat(config.getJsonObject("ExposedPorts").fieldNames()).containsExactly("8787/tcp");
        assertThat(config.getJsonObject("Volumes").fieldNames()).containsExactly("/data");
        assertThat(config.getString("WorkingDir")).isEqualTo("/data");
        List<String> entrypoint = strings(config.getJsonArray("Entrypoint"));
        assertThat(entrypoint.get(0)).isEqualTo("/opt/java/bin/java");
        assertThat(entrypoint).contains("-XX:MaxRAMPercentage=50", "dev.tippen.app.Main");
        assertThat(strings(config.getJsonArray("Cmd"))).containsExactly("serve");
        List<String> env = strings(config.getJsonArray("Env"));
        assertThat(env).contains("TIPPEN_HOST=0.0.0.0", "TIPPEN_DATA_DIR=/data");
        JsonObject health = config.getJsonObject("Healthcheck");
        List<String> check = strings(health.getJsonArray("Test"));
        assertThat(check.get(0)).isEqualTo("CMD");
        assertThat(check).contains("health");
        assertThat(health.getLong("Interval")).isEqualTo(Duration.ofSeconds(30).toNanos());

        Needs.present(isRoot() && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "root and unshare, to run the image's layers in namespaces of their own");
        Path root = Files.createDirectories(dir.resolve("root"));
        for (Object layer : manifest.getJsonArray("Layers")) {
            sh("tar", "--warning=no-unknown-keyword", "-xzf", unpacked.resolve((String) layer).toString(), "-C", root.toString());
        }
        assertThat(root.resolve("app/jib-classpath-file")).exists();
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));

        int port = ChildJvm.freePort();
        // As a runtime would: the config's environment, plus what `docker run -e` adds here (a port
        // of the test's choosing, and loopback rather than every address).
        List<String> runEnv = new ArrayList<>(env);
        runEnv.addAll(List.of("TIPPEN_PORT=" + port, "TIPPEN_HOST=127.0.0.1"));
        List<String> keys = new ArrayList<>(entrypoint);
        keys.addAll(List.of("keys", "create", "--name", "Contained", "--json"));
        Process making = inImage(root, config, runEnv, keys).start();
        String created = new String(making.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(making.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(making.exitValue()).as(created).isZero();
        JsonObject site = new JsonObject(created.substring(created.indexOf('{')));

        List<String> serve = new ArrayList<>(entrypoint);
        serve.addAll(strings(config.getJsonArray("Cmd")));
        Path log = dir.resolve("serve.log");
        Process server = inImage(root, config, runEnv, serve).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            try {
                ChildJvm.awaitReady(server, port, 60_000, log);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + read(log), e);
            }
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> tracked = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/track/visitor"))
                    .header("Content-Type", "application/json").header("X-Tippen-API-Key", site.getString("publicKey"))
                    .header("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")
                    .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", "boxed", "https://example.com/pricing"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tracked.statusCode()).as(tracked.body()).isEqualTo(200);
            try (TestServer.Socket dash = TestServer.connect("ws://127.0.0.1:" + port + "/ws/dashboard?apiKey=" + site.getString("secretKey"))) {
                JsonObject visitor = dash.next("INITIAL_VISITORS").getJsonArray("visitors").getJsonObject(0);
                assertThat(visitor.getString("visitorId")).isEqualTo("boxed");
                assertThat(visitor.encode()).contains("Safari");
            }
            TestServer.eventually("the visit in the image's history", Duration.ofSeconds(30),
                    () -> UpgradeFixture.send(base, "GET", "/api/visits", site.getString("secretKey"), null).body().contains("boxed"));

            // The health check, run inside the image as a runtime runs it.
            Process probe = inImage(root, config, runEnv, check.subList(1, check.size())).redirectErrorStream(true).start();
            String said = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(probe.exitValue()).as(said).isZero();
            assertThat(said).contains("/healthz: 200");
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        assertThat(read(log)).contains("storage=\"sqlite /data/tippen.db\"").contains("event=stopped");
        assertThat(root.resolve("data/tippen.db")).as("the data went to the volume's directory").exists();
    }

    /**
     * A command run as the image's config says: the layers as the root, its user, its working
     * directory and its environment, with /proc and /dev as a runtime provides them, in a mount
     * namespace of its own that goes when it ends.
     */
    private static ProcessBuilder inImage(Path root, JsonObject config, List<String> env, List<String> command) {
        String[] user = config.getString("User").split(":");
        List<String> inner = new ArrayList<>(List.of("/usr/bin/env", "-i"));
        inner.addAll(env);
        inner.addAll(List.of("/usr/bin/unshare", "--root=" + root, "--wd=" + config.getString("WorkingDir"), "--setuid", user[0],
                "--setgid", user[1]));
        inner.addAll(command);
        String script = "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" && exec \"$@\"";
        // Every step execs the next, so the process the test holds is the command itself, and its
        // SIGTERM is the server's (a PID namespace would need a forked holder, which cannot pass it on
        // across the change of user).
        List<String> outer = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "/bin/sh", "-c", script, root.toString()));
        outer.addAll(inner);
        ProcessBuilder pb = new ProcessBuilder(outer);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        return pb;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(o -> out.add((String) o));
        return out;
    }

    private static boolean isRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
