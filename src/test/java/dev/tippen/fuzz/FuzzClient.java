package dev.tippen.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends fuzzed requests over one kept-alive HTTP/1.1 connection, written by hand on a plain socket so
 * the bytes on the wire are exactly the fuzzer's and nothing in a client library can hide a hang. (The
 * JDK client leaked a connection per request under the fuzzer's instrumentation; Vert.x 5.0's client
 * pool lost its only connection now and then.)
 */
final class FuzzClient implements AutoCloseable {
    record Answer(int status, String body) {}

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    FuzzClient(int port) {
        this.port = port;
    }

    /** The fuzzer's network guard would flag our own loopback server; only loopback is allowed. */
    static void allowLoopbackOnly() {
        BugDetectors.allowNetworkConnections((host, port) -> host.equals("localhost") || host.startsWith("127."));
    }

    /** Posts raw bytes; a server that takes over 5 s to answer counts as hung and fails the input. */
    Answer post(String path, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        try {
            if (socket == null) connect();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readAnswer();
        } catch (IOException e) {
            throw new AssertionError("no answer to POST " + path + ": " + e, e);
        }
    }

    private void connect() throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private Answer readAnswer() throws IOException {
        String status = line();
        int contentLength = 0;
        boolean close = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) contentLength = Integer.parseInt(value);
            if (name.equals("connection") && value.equalsIgnoreCase("close")) close = true;
        }
        byte[] body = in.readNBytes(contentLength);
        if (body.length < contentLength) throw new IOException("connection closed mid-body");
        if (close) close();
        return new Answer(Integer.parseInt(status.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("connection closed before the answer ended");
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** A refusal is JSON with a non-empty error, and its status is one the protocol documents. */
    static void assertDeliberate(Answer r, Integer... allowed) {
        assertThat(r.status()).as("status for body answered %s", r.body()).isIn((Object[]) allowed);
        if (r.status() != 200) {
            assertThat(new JsonObject(r.body()).getString("error")).isNotBlank();
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null) socket.close();
        } catch (IOException ignored) {
            // Closing a test connection; nothing to recover.
        }
        socket = null;
    }
}
