package dev.tippen.bench;

import dev.tippen.engine.redis.RedisKeyStore;
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.engine.embedded.SqliteKeyStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under measurement, in a JVM of its own, so that its memory and CPU are its own and not
 * the load generator's. Either a real Tippen server on a scratch data dir, or the ceiling server.
 */
final class ChildServer implements AutoCloseable {
    private static final HttpClient CONTROL = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path dataDir;
    final String publicKey;
    final String secretKey;
    /** Every site the server was started with (the first is {@link #publicKey}/{@link #secretKey}). */
    final List<KeyStore.CreatedSite> sites;

    private ChildServer(Process process, int port, Path dataDir, List<KeyStore.CreatedSite> sites) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.sites = sites;
        this.publicKey = sites.get(0).publicKey();
        this.secretKey = sites.get(0).secretKey();
    }

    /** A Tippen server with one fresh site on an empty data dir; {@code args} are extra serve options. */
    static ChildServer tippen(List<String> jvmOptions, List<String> args) throws IOException, InterruptedException {
        return tippen(jvmOptions, args, 1);
    }

    /** A Tippen server with {@code siteCount} fresh sites, created in the data dir before it starts. */
    static ChildServer tippen(List<String> jvmOptions, List<String> args, int siteCount) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("tippen-bench");
        List<KeyStore.CreatedSite> sites = new ArrayList<>();
        try (SqliteKeyStore keys = new SqliteKeyStore(SqliteDatabase.open(data))) {
            for (int i = 0; i < siteCount; i++) sites.add(keys.createSite("bench-" + i, false));
        }
        int port = freePort();
        List<String> serve = new ArrayList<>(List.of("serve", "--port", Integer.toString(port), "--data-dir", data.toString()));
        serve.addAll(args);
        Process p = start(command(jvmOptions, "dev.tippen.app.Main", serve.toArray(String[]::new)), data.resolve("server.log"));
        ChildServer server = new ChildServer(p, port, data, sites);
        server.awaitReady("/readyz");
        return server;
    }

    /** A Tippen server on a data dir prepared beforehand (it is deleted on close), serving {@code site}. */
    static ChildServer tippenOn(Path data, KeyStore.CreatedSite site, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        int port = freePort();
        List<String> serve = new ArrayList<>(List.of("serve", "--port", Integer.toString(port), "--data-dir", data.toString()));
        serve.addAll(args);
        Process p = start(command(jvmOptions, "dev.tippen.app.Main", serve.toArray(String[]::new)), data.resolve("server.log"));
        ChildServer server = new ChildServer(p, port, data, List.of(site));
        server.awaitReady("/readyz");
        return server;
    }

    /**
     * A Tippen node on a shared Redis, serving {@code sites} (made in that Redis beforehand, e.g. with
     * {@link #sitesOnRedis}): several such nodes serve the same sites.
     */
    static ChildServer tippenOnRedis(List<String> jvmOptions, List<String> args, String redisUrl,
                                     List<KeyStore.CreatedSite> sites) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tippen-bench-node");
        int port = freePort();
        List<String> serve = new ArrayList<>(List.of("serve", "--port", Integer.toString(port), "--redis", redisUrl));
        serve.addAll(args);
        Process p = start(command(jvmOptions, "dev.tippen.app.Main", serve.toArray(String[]::new)), dir.resolve("server.log"));
        ChildServer server = new ChildServer(p, port, dir, sites);
        server.awaitReady("/readyz");
        return server;
    }

    static List<KeyStore.CreatedSite> sitesOnRedis(String redisUrl, int count) {
        List<KeyStore.CreatedSite> sites = new ArrayList<>();
        try (KeyStore keys = RedisKeyStore.open(redisUrl)) {
            for (int i = 0; i < count; i++) sites.add(keys.createSite("bench-" + i, false));
        }
        return sites;
    }

    /** The bare stack: same framework, same routes, constant answers, no state and no storage. */
    static ChildServer ceiling(List<String> jvmOptions) throws IOException, InterruptedException {
        return ceiling(jvmOptions, 1);
    }

    static ChildServer ceiling(List<String> jvmOptions, int sites) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("tippen-ceiling");
        int port = freePort();
        Process p = start(command(jvmOptions, CeilingServer.class.getName(), Integer.toString(port)), data.resolve("server.log"));
        // Sites are only names to the ceiling: pk_X and sk_X belong to site X.
        List<KeyStore.CreatedSite> named = new ArrayList<>();
        for (int i = 0; i < sites; i++) {
            named.add(new KeyStore.CreatedSite(new Site("ceiling" + i, "ceiling", false, 0), "pk_ceiling" + i, "sk_ceiling" + i));
        }
        ChildServer server = new ChildServer(p, port, data, named);
        server.awaitReady("/healthz");
        return server;
    }

    /** WebSockets on Netty alone: what an idle socket costs without Vert.x's per-connection queues. */
    static ChildServer nettyFloor(List<String> jvmOptions) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("tippen-floor");
        int port = freePort();
        Process p = start(command(jvmOptions, NettyFloorServer.class.getName(), Integer.toString(port)), data.resolve("server.log"));
        ChildServer server = new ChildServer(p, port, data,
                List.of(new KeyStore.CreatedSite(new Site("floor", "floor", false, 0), "pk_floor", "sk_floor")));
        server.awaitReady("/healthz");
        return server;
    }

    int port() {
        return port;
    }

    /** What the data dir holds on disk now, in bytes. */
    long dataBytes() {
        try (var files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** What /metrics shows now. */
    String metrics() throws IOException, InterruptedException {
        return CONTROL.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Whether /readyz answers 200 within five seconds. */
    boolean ready() {
        try {
            return CONTROL.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size now, from the kernel's own accounting. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /** CPU time (user + system) the server has used so far, in milliseconds. */
    long cpuMillis() {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return cpuMillisOf(stat);
    }

    /** User and system time from a {@code /proc} stat line (a process's or a thread's). */
    private static long cpuMillisOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /**
     * CPU time of the server's JIT compiler threads alone: on an idle server, the compiler still at
     * work on code that became hot after start, a cost that ends, told apart from the steady one.
     */
    long compilerCpuMillis() {
        long millis = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended between the listing and the read
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.contains("CompilerThre")) millis += cpuMillisOf(stat);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return millis;
    }

    /** Asks the server's JVM for a full collection, so heap figures compare live data only. */
    void collectGarbage() throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) return;
        new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Collects garbage in the server and in this load generator once a scenario's set-up is done.
     * Set-up opens thousands of sockets in seconds, which a real server sees over minutes; without
     * this, the first young collection of the measured window copies all of it to the old
     * generation in one pause of a few hundred milliseconds and times the set-up, not the steady state.
     */
    void settle() throws IOException, InterruptedException {
        collectGarbage();
        System.gc();
    }

    /** The server's largest heap classes by bytes (jcmd GC.class_histogram), for finding what a socket costs. */
    String classHistogram(int lines) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return String.join("\n", out.lines().limit(lines).toList());
    }

    /** One sample from /metrics (Tippen only), or -1 if absent. */
    double metric(String nameAndLabels) throws IOException, InterruptedException {
        String text = get("/metrics");
        for (String line : text.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
        }
        return -1;
    }

    String get(String path) throws IOException, InterruptedException {
        return CONTROL.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        keepLog();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** With TIPPEN_BENCH_LOGS set to a directory, the server's log is kept there (as server-PID.log) before its data goes. */
    private void keepLog() throws IOException {
        String dir = System.getenv("TIPPEN_BENCH_LOGS");
        Path log = dataDir.resolve("server.log");
        if (dir == null || dir.isBlank() || !Files.exists(log)) return;
        Files.createDirectories(Path.of(dir));
        Files.copy(log, Path.of(dir, "server-" + process.pid() + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private void awaitReady(String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IOException("server exited; see " + dataDir.resolve("server.log") + ":\n"
                    + Files.readString(dataDir.resolve("server.log")));
            try {
                if (CONTROL.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("server not ready within 60 s");
    }

    /**
     * The server runs from its own jar (property {@code tippen.server.jar}, set by the launcher), so the
     * bench's dependencies are not on its classpath; the ceiling runs from the bench's classpath.
     */
    private static List<String> command(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        String serverJar = System.getProperty("tippen.server.jar");
        cmd.add(mainClass.equals("dev.tippen.app.Main") && serverJar != null ? serverJar : System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
