package dev.tippen.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real nginx on a free port, in front of Tippen servers, configured as docs/operations.md shows. */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");
    static final Path OPERATIONS = Path.of("docs/operations.md");

    final int port;
    final Process process;
    final Path dir;

    /** Several nodes behind one upstream, as the several-nodes section of the operations guide shows. */
    Nginx(int... upstreams) throws Exception {
        StringBuilder servers = new StringBuilder();
        for (int p : upstreams) servers.append("    server 127.0.0.1:").append(p).append(" max_fails=1 fail_timeout=10s;\n");
        this.port = RedisServer.freePort();
        this.dir = Files.createTempDirectory("tippen-nginx", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        String location = documentedLocation().replace("http://127.0.0.1:8787", "http://tippen")
                .replace("proxy_read_timeout 120s;", "proxy_read_timeout 1h;\n  proxy_next_upstream error timeout http_502 http_503;\n  proxy_connect_timeout 2s;");
        this.process = start("upstream tippen {\n" + servers + "    keepalive 32;\n  }\n", location);
    }

    /** One node, with exactly the location block the operations guide gives for a single node. */
    static Nginx single(int upstream) throws Exception {
        return new Nginx(upstream, documentedLocation().replace("127.0.0.1:8787", "127.0.0.1:" + upstream));
    }

    private Nginx(int upstream, String location) throws Exception {
        this.port = RedisServer.freePort();
        this.dir = Files.createTempDirectory("tippen-nginx", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        this.process = start("", location);
    }

    /** The guide's first nginx block: its map lines and its location block, as an operator would copy them. */
    static String documentedLocation() throws Exception {
        String doc = Files.readString(OPERATIONS);
        Matcher m = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        if (!m.find()) throw new AssertionError("no nginx block in " + OPERATIONS);
        String block = m.group(1);
        int location = block.indexOf("location /");
        if (location < 0) throw new AssertionError("the documented nginx block has no location /");
        return block.substring(location);
    }

    private static String maps() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : documentedBlock().split("\n")) if (line.startsWith("map ")) out.append("  ").append(line).append('\n');
        return out.toString();
    }

    private static String documentedBlock() throws Exception {
        Matcher m = Pattern.compile("```nginx\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(OPERATIONS));
        m.find();
        return m.group(1);
    }

    private Process start(String upstream, String location) throws Exception {
        String conf = """
                worker_processes 1;
                error_log %1$s/error.log;
                pid %1$s/nginx.pid;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                %2$s  %3$s
                  server {
                    listen 127.0.0.1:%4$d;
                    %5$s
                  }
                }
                """.formatted(dir, maps(), upstream, port, location);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        Process p = new ProcessBuilder(BINARY.toString(), "-c", file.toString(), "-p", dir.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return p;
            } catch (java.io.IOException e) {
                if (!p.isAlive()) break;
                TestServer.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("nginx did not start; see " + dir + ": " + Files.readString(dir.resolve("stdout.log"))
                + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
