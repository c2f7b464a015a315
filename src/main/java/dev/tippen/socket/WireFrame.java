package dev.tippen.socket;

/**
 * A server's WebSocket text frame as it goes on the wire (RFC 6455 §5.2: no mask from a server),
 * header and payload in one array. A message for many sockets is framed once and the same bytes
 * written to each, instead of a frame object and a header per socket; the channel's WebSocket
 * encoder passes bytes through untouched.
 */
final class WireFrame {
    private static final int FIN = 0x80;
    private static final int TEXT = 0x1;
    private static final int CONTINUATION = 0x0;

    private WireFrame() {}

    /** {@code first}: a text frame (else a continuation); {@code last}: the message's final frame. */
    static byte[] of(byte[] payload, boolean first, boolean last) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] out = new byte[header + n];
        out[0] = (byte) ((last ? FIN : 0) | (first ? TEXT : CONTINUATION));
        if (n < 126) {
            out[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            out[1] = 126;
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = 127;
            long len = n;
            for (int i = 0; i < 8; i++) out[2 + i] = (byte) (len >>> (56 - 8 * i));
        }
        System.arraycopy(payload, 0, out, header, n);
        return out;
    }
}
