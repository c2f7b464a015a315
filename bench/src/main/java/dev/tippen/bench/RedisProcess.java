package dev.tippen.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of its own on a free loopback port and a scratch directory, configured as
 * docs/operations.md recommends (append-only file, fsync every second, no eviction). Used by the
 * {@code cluster} benchmark and by the tests.
 */
public final class RedisProcess implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/redis-server");

    public final int port;
    public final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public static RedisProcess start() throws IOException {
        if (!available()) throw new IllegalStateException("needs redis-server at " + BINARY + " (apt-get install redis-server)");
        RedisProcess r = new RedisProcess(freePort(), Files.createTempDirectory("tippen-redis"));
        r.launch();
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--maxmemory-policy", "noeviction", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            if ("+PONG".equals(command("PING"))) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
    }

    /** CPU time (user + system) redis-server has used so far, in milliseconds. */
    public long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // USER_HZ is 100 on Linux
    }

    /** SIGKILL: only what the append-only file already holds survives. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts again on the same port and directory, reloading the append-only file. */
    public void restart() throws IOException {
        launch();
    }

    /** One inline command; the first line of its reply, or null when Redis is not there. */
    public String command(String line) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\r') sb.append((char) c);
            return sb.toString();
        } catch (IOException e) {
            return null;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // A scratch directory left behind in the temp dir is harmless.
        }
    }
}
