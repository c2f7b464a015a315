package dev.tippen.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An SMTP server on loopback that speaks just enough of RFC 5321 (EHLO, MAIL, RCPT, DATA, QUIT)
 * to take messages and keep them: the stand-in for an operator's mail server.
 */
final class SmtpSink implements AutoCloseable {
    record Mail(String from, String to, String data) {}

    final BlockingQueue<Mail> received = new LinkedBlockingQueue<>();
    private final ServerSocket server;
    private final Thread acceptor;

    SmtpSink() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                converse(s);
            } catch (IOException e) {
                // closed, or a client gone: wait for the next
            }
        }
    }

    private void converse(Socket s) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        say(out, "220 sink ESMTP");
        String from = null;
        String to = null;
        String line;
        while ((line = in.readLine()) != null) {
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                say(out, "250-sink\r\n250 8BITMIME");
            } else if (upper.startsWith("MAIL FROM:")) {
                from = line.substring(10).trim();
                say(out, "250 OK");
            } else if (upper.startsWith("RCPT TO:")) {
                to = line.substring(8).trim();
                say(out, "250 OK");
            } else if (upper.equals("DATA")) {
                say(out, "354 end with .");
                StringBuilder data = new StringBuilder();
                while ((line = in.readLine()) != null && !line.equals(".")) data.append(line.startsWith("..") ? line.substring(1) : line).append('\n');
                received.add(new Mail(from, to, data.toString()));
                say(out, "250 queued");
            } else if (upper.equals("QUIT")) {
                say(out, "221 bye");
                return;
            } else {
                say(out, upper.equals("RSET") || upper.equals("NOOP") ? "250 OK" : "502 not here");
            }
        }
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
