package dev.tippen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own: {@code initdb} in a scratch directory, {@code pg_ctl} on a free
 * loopback port, no socket file outside that directory. PostgreSQL refuses to run as root, so as
 * root it runs as the {@code postgres} user Debian's package creates. Used by the history tests and
 * benchmark.
 */
public final class PostgresProcess implements AutoCloseable {
    public final int port;
    public final Path dir;
    private final Path bin;
    private final boolean asPostgres;

    private PostgresProcess(Path bin, int port, Path dir, boolean asPostgres) {
        this.bin = bin;
        this.port = port;
        this.dir = dir;
        this.asPostgres = asPostgres;
    }

    /** The newest installed server's bin directory, or null. */
    public static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) return null;
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(java.util.Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    public static boolean available() {
        return binaries() != null && (!root() || Files.exists(Path.of("/usr/sbin/runuser")) && userExists("postgres"));
    }

    public static PostgresProcess start() throws IOException {
        Path bin = binaries();
        if (bin == null) throw new IllegalStateException("needs PostgreSQL's server binaries (apt-get install postgresql)");
        Path dir = Files.createTempDirectory("tippen-pg");
        boolean asPostgres = root();
        if (asPostgres) run(List.of("chown", "postgres:postgres", dir.toString()), false);
        PostgresProcess p = new PostgresProcess(bin, RedisProcess.freePort(), dir, asPostgres);
        p.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "tippen", "--auth=trust",
                "--no-sync", "-E", "UTF8", "--locale=C"));
        p.launch();
        return p;
    }

    private void launch() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "30", "-l",
                dir.resolve("server.log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=50", "start"));
    }

    /** postgres://tippen@127.0.0.1:port/postgres, as --history takes it. */
    public String url() {
        return "postgres://tippen@127.0.0.1:" + port + "/postgres";
    }

    /** SIGKILL the server; committed transactions survive (it recovers from its write-ahead log). */
    public void kill() throws IOException {
        Path pidFile = dir.resolve("data/postmaster.pid");
        if (!Files.exists(pidFile)) return;
        String pid = Files.readAllLines(pidFile).get(0).trim();
        run(List.of("kill", "-9", pid), false);
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(pidFile);
    }

    public void restart() throws IOException {
        launch();
    }

    private void run(List<String> command) throws IOException {
        List<String> c = new ArrayList<>();
        if (asPostgres) c.addAll(List.of("/usr/sbin/runuser", "-u", "postgres", "--"));
        c.addAll(command);
        run(c, true);
    }

    private static void run(List<String> command, boolean check) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (check && p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String name) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException e) {
            // already stopped
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A scratch directory left behind in the temp dir is harmless.
        }
    }
}
