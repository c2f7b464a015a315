package dev.tippen.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Tippen server in a JVM of its own, for what an in-process server cannot show: a kill, a small
 * heap, a full disk, a system-call trace. One way to build its command and to wait for it.
 */
final class ChildJvm {
    private ChildJvm() {}

    /** {@code java <jvm options> -cp <the tests' class path> dev.tippen.app.Main <args>}. */
    static List<String> command(List<String> jvm, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.tippen.app.Main"));
        command.addAll(args);
        return command;
    }

    /** Waits for the child's /readyz to answer 200; kills it and fails (naming {@code log}) if it never does. */
    static void awaitReady(Process process, int port, long millis, Path log) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> r = TestServer.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("child server did not become ready" + (log == null ? "" : "; see " + log));
    }

    /** A port nothing listens on right now. */
    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
