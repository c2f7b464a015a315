package dev.tippen.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's coturn for one test, on loopback, with coturn's REST credentials (a static auth secret).
 * Loopback peers are allowed here because both browsers are on this machine; docs/operations.md shows
 * the production set-up, which refuses them.
 */
final class TurnServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/turnserver");

    final int port;
    final String secret;
    private final Process process;
    private final Path log;

    private TurnServer(int port, String secret, Process process, Path log) {
        this.port = port;
        this.secret = secret;
        this.process = process;
        this.log = log;
    }

    static TurnServer start(String secret) {
        dev.tippen.Needs.present(Files.isExecutable(BINARY), "needs Debian's coturn (apt-get install coturn)");
        try {
            int port = freeUdpAndTcpPort();
            int relayFrom = 40000 + (int) (Math.random() * 20000);
            Path log = Files.createTempFile("tippen-coturn", ".log");
            Process p = new ProcessBuilder(BINARY.toString(), "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                    "--listening-port=" + port, "--min-port=" + relayFrom, "--max-port=" + (relayFrom + 200),
                    "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=tippen.test", "--fingerprint",
                    "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--no-multicast-peers",
                    "--log-file=" + log, "--simple-log")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            TurnServer t = new TurnServer(port, secret, p, log);
            long until = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < until) {
                if (!p.isAlive()) throw new IllegalStateException("turnserver exited: " + Files.readString(log));
                try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                    return t;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            t.close();
            throw new IllegalStateException("turnserver did not listen on " + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
