package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive that packaging wrote, unpacked somewhere else and run with nothing but a Java
 * runtime on the PATH (no Maven, no sources, no JAVA_HOME): it serves, tracks, prints its version
 * and takes a backup, and it holds what its README lists.
 */
class ReleaseIT {
    @TempDir
    Path dir;

    /** A PATH of a java, the shell and the one command the launcher uses: nothing that builds. */
    Map<String, String> runtimeOnly() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        for (String command : List.of("sh", "dirname")) {
            Path found = List.of(Path.of("/usr/bin", command), Path.of("/bin", command)).stream().filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError("no " + command + " on this machine"));
            Files.createSymbolicLink(bin.resolve(command), found);
        }
        return Map.of("PATH", bin.toString(), "HOME", dir.toString());
    }

    Process start(Path home, Map<String, String> env, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/tippen").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) pb.redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    String run(Path home, Map<String, String> env, String... args) throws Exception {
        Process p = start(home, env, null, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    @Test
    void theReleaseRunsWithOnlyAJavaRuntime() throws Exception {
        Path archive = Path.of(System.getProperty("tippen.release", "target/missing.tar.gz"));
        assertThat(archive).as("packaging writes the release").exists();
        String version = System.getProperty("tippen.version");
        Process untar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
        assertThat(untar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path home = dir.resolve("tippen-" + version);
        for (String f : List.of("bin/tippen", "lib/tippen.jar", "conf/tippen.toml", "systemd/tippen.service", "LICENSE", "CHANGELOG.md", "README.md",
                "docs/protocol.md", "docs/operations.md")) {
            assertThat(home.resolve(f)).as(f).exists();
        }
        assertThat(Files.isExecutable(home.resolve("bin/tippen"))).isTrue();
        // Every shipped library with its licence; the tests' own libraries are not shipped.
        String notices = Files.readString(home.resolve("THIRD-PARTY.txt"));
        assertThat(notices).contains("io.vertx:vertx-core").contains("org.xerial:sqlite-jdbc").contains("Apache")
                .doesNotContain("org.junit").doesNotContain("selenium");
        Map<String, String> env = runtimeOnly();
        assertThat(run(home, env, "--version")).contains("tippen " + version);

        // The shipped sample, with the two lines an operator would change: it is a valid file as it is.
        Path data = dir.resolve("data");
        int port = ChildJvm.freePort();
        Path config = dir.resolve("tippen.toml");
        Files.writeString(config, Files.readString(home.resolve("conf/tippen.toml"))
                + "\nport = " + port + "\ndata-dir = \"" + data + "\"\n");
        assertThat(run(home, env, "config", "check", config.toString())).contains("fine (2 options set)");
        String created = run(home, env, "keys", "create", "--name", "Released", "--json", "--config", config.toString());
        String publicKey = new io.vertx.core.json.JsonObject(created.substring(created.indexOf('{'))).getString("publicKey");
        Path log = dir.resolve("serve.log");
        Process server = start(home, env, log, "serve", "--config", config.toString());
        try {
            ChildJvm.awaitReady(server, port, 60_000, log);
            try (TestServer.Socket socket = TestServer.connect("ws://127.0.0.1:" + port + "/ws/visitor?apiKey=" + publicKey + "&visitorId=r1")) {
                assertThat(socket.next("CONNECTED").getString("visitorId")).isEqualTo("r1");
            }
            var answer = TestServer.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/track/visitor"))
                    .header("Content-Type", "application/json").header("X-Tippen-API-Key", publicKey)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", "r1"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(run(home, env, "backup", dir.resolve("backup").toString(), "--data-dir", data.toString())).contains("backed up tippen.db");
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
        String logged = Files.readString(log);
        assertThat(logged).as("the server's log").contains("event=started").contains("event=stopped");
        // The launcher's heap follows the machine: about half its memory, and the visitors' memory half of that.
        long memoryMb = memoryMb();
        java.util.regex.Matcher heap = java.util.regex.Pattern.compile("heap_mb=(\\d+) visitor_memory_mb=(\\d+)").matcher(logged);
        assertThat(heap.find()).isTrue();
        long heapMb = Long.parseLong(heap.group(1));
        assertThat(heapMb).as("heap of a machine with %d MB", memoryMb).isBetween(memoryMb * 40 / 100, memoryMb * 55 / 100);
        assertThat(Long.parseLong(heap.group(2))).isBetween(heapMb / 2 - 1, heapMb / 2 + 1);
    }

    /** What the JVM sizes its heap from: the machine's memory, or the control group's limit when lower. */
    static long memoryMb() throws Exception {
        long bytes = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) << 10).findFirst().orElseThrow();
        for (String limit : List.of("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
            Path f = Path.of(limit);
            if (!Files.isReadable(f)) continue;
            String value = Files.readString(f).trim();
            if (value.matches("\\d+")) bytes = Math.min(bytes, Long.parseLong(value));
        }
        return bytes >> 20;
    }
}
