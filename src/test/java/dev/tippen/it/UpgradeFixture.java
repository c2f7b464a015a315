package dev.tippen.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the data dir {@link UpgradeTest} opens: a released Tippen jar, run as an operator would,
 * with a site, its keys, a webhook, visitors and their pages, and one visitor erased. It speaks only
 * the command line and the wire, so any release's jar can make it:
 *
 * <pre>
 * git worktree add /tmp/tippen-0.1.0 &lt;the release's commit&gt; &amp;&amp; (cd /tmp/tippen-0.1.0 &amp;&amp; ./mvnw -DskipTests package)
 * ./mvnw -DskipTests test-compile
 * java -cp target/test-classes:target/classes:$(cat target/bench.classpath) dev.tippen.it.UpgradeFixture \
 *     /tmp/tippen-0.1.0/target/tippen.jar 0.1.0 src/test/resources/upgrade
 * </pre>
 *
 * It writes {@code tippen-VERSION-data.tar.gz} (the stopped server's data dir) and
 * {@code tippen-VERSION.json} (its keys and what the data holds).
 */
public final class UpgradeFixture {
    static final int VISITORS = 12;
    static final String ERASED = "up_erased";

    private UpgradeFixture() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        String version = args[1];
        Path out = Files.createDirectories(Path.of(args[2]));
        Path work = Files.createTempDirectory("tippen-fixture");
        Path data = work.resolve("data");

        JsonObject site = new JsonObject(last(run(jar, "keys", "create", "--name", "Upgraded", "--json", "--data-dir", data.toString())));
        int port = ChildJvm.freePort();
        Path log = work.resolve("serve.log");
        Process server = new ProcessBuilder(java(), "-Xmx256m", "-jar", jar.toString(), "serve", "--port", Integer.toString(port),
                "--data-dir", data.toString(), "--webhooks-allow-http", "--webhooks-allow-private")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JsonObject manifest;
        try {
            ChildJvm.awaitReady(server, port, 60_000, log);
            String base = "http://127.0.0.1:" + port;
            String secret = site.getString("secretKey");
            JsonObject hook = json(send(base, "POST", "/api/webhooks", secret, new JsonObject().put("url", "http://127.0.0.1:9/hook")
                    .put("events", new JsonArray().add("visitor.arrived").add("visit.ended")).encode()), 201);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < VISITORS; i++) {
                String id = i == 0 ? ERASED : "up_" + i;
                track(base, site.getString("publicKey"), id, "https://shop.example.com/products/" + i);
                if (i % 3 == 0) track(base, site.getString("publicKey"), id, "https://shop.example.com/pricing");
                if (i > 0) kept.add(id);
            }
            waitFor("every visit recorded", () -> send(base, "GET", "/api/visits?limit=100", secret, null).body().contains(kept.get(kept.size() - 1))
                    && new JsonObject(send(base, "GET", "/api/visits?limit=100", secret, null).body()).getJsonArray("visits").size() == VISITORS);
            int erased = send(base, "DELETE", "/api/visitors/" + ERASED, secret, null).statusCode();
            if (erased != 204) throw new IllegalStateException("erasure answered " + erased);
            manifest = new JsonObject().put("version", version).put("siteId", site.getString("siteId"))
                    .put("publicKey", site.getString("publicKey")).put("secretKey", secret).put("webhookId", hook.getString("id"))
                    .put("visitors", new JsonArray(kept)).put("erased", ERASED);
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
        Path archive = out.resolve("tippen-" + version + "-data.tar.gz");
        Process tar = new ProcessBuilder("tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--exclude=*-shm", "-czf",
                archive.toString(), "-C", work.toString(), "data").inheritIO().start();
        if (tar.waitFor() != 0) throw new IllegalStateException("tar failed");
        Files.writeString(out.resolve("tippen-" + version + ".json"), manifest.encodePrettily() + "\n");
        System.out.println("wrote " + archive + " (" + Files.size(archive) + " bytes)");
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", args) + ": " + text);
        return text;
    }

    private static String last(String output) {
        return output.substring(output.indexOf('{'));
    }

    private static void track(String base, String publicKey, String visitorId, String url) throws Exception {
        HttpResponse<String> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/track/visitor"))
                .header("Content-Type", "application/json").header("X-Tippen-API-Key", publicKey)
                .POST(HttpRequest.BodyPublishers.ofString(TestServer.trackBody("pageview", visitorId, url))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("track answered " + r.statusCode() + ": " + r.body());
    }

    static HttpResponse<String> send(String base, String method, String path, String secret, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + secret)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", "application/json");
            return TestServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    private static JsonObject json(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) throw new IllegalStateException("answered " + r.statusCode() + ": " + r.body());
        return new JsonObject(r.body());
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out: " + what);
            Thread.sleep(200);
        }
    }
}
