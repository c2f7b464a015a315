package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain TCP socket, for what well-behaved clients never do: frames
 * with reserved bits, text that is not UTF-8, pings without reading the pongs.
 */
final class RawSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Upgrades {@code pathAndQuery}; {@code receiveBuffer} small keeps the server's answers in its own buffers. */
    static RawSocket open(int port, String pathAndQuery, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(10_000);
        RawSocket raw = new RawSocket(s);
        raw.out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                // Offered as a browser offers it: the server takes no extension, so its frames and ours carry no RSV bits.
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = raw.readHead();
        assertThat(head).as("upgrade answer").startsWith("HTTP/1.1 101");
        assertThat(head.toLowerCase(java.util.Locale.ROOT)).as("no extension accepted").doesNotContain("sec-websocket-extensions");
        return raw;
    }

    private String readHead() throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            b.append((char) c);
        }
        return b.toString();
    }

    /** One masked frame, as a client must send it; {@code firstByte} carries FIN, RSV and the opcode. */
    static byte[] frame(int firstByte, byte[] payload) {
        int len = payload.length;
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + len];
        f[0] = (byte) firstByte;
        if (len < 126) {
            f[1] = (byte) (0x80 | len);
        } else if (len < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (len >>> 8);
            f[3] = (byte) len;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, f, header, 4);
        for (int i = 0; i < len; i++) f[header + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
        return f;
    }

    static byte[] ping(int payloadBytes) {
        return frame(0x80 | PING, new byte[payloadBytes]);
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * The close status the server sends, reading past any other frames: -1 when the connection ended
     * without one, -2 when nothing came before the timeout.
     */
    int closeStatus(long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        try {
            while (System.currentTimeMillis() < deadline) {
                socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                int b0 = in.read();
                if (b0 < 0) return -1;
                int b1 = in.read();
                if (b1 < 0) return -1;
                long len = b1 & 0x7F;
                if (len == 126) len = (in.read() << 8) | in.read();
                else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
                }
                byte[] payload = in.readNBytes((int) len);
                if ((b0 & 0x0F) == CLOSE) return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
            }
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (IOException e) {
            return -1;
        }
        return -2;
    }

    /** A whole message from the server (fragments joined), or the close it sent instead. */
    record Message(int opcode, String text, int closeStatus) {}

    /** The next message, reading fragments through to the final one; null when the connection ends. */
    Message next(long timeoutMillis) throws IOException {
        socket.setSoTimeout((int) timeoutMillis);
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            int b0 = in.read();
            if (b0 < 0) return null;
            int b1 = in.read();
            if (b1 < 0) return null;
            long len = b1 & 0x7F;
            if (len == 126) len = (in.read() << 8) | in.read();
            else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) len = (len << 8) | in.read();
            }
            byte[] payload = in.readNBytes((int) len);
            int op = b0 & 0x0F;
            if (op == CLOSE) {
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                return new Message(CLOSE, reason, payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005);
            }
            if (op == PING || op == PONG) continue;
            if (op != 0) opcode = op;
            whole.write(payload);
            if ((b0 & 0x80) != 0) return new Message(opcode, whole.toString(StandardCharsets.UTF_8), 0);
        }
    }

    /** Whether the server has dropped the connection: a read ends or fails within the timeout. */
    boolean droppedWithin(long timeoutMillis) {
        return closedWithin(socket, timeoutMillis);
    }

    /** Whether the server closes a plain connection within the timeout (whatever it sends first is read and dropped). */
    static boolean closedWithin(Socket s, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        byte[] buf = new byte[65536];
        try {
            InputStream in = s.getInputStream();
            while (System.currentTimeMillis() < deadline) {
                s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                if (in.read(buf) < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
