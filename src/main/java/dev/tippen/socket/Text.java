package dev.tippen.socket;

import java.nio.charset.StandardCharsets;

/**
 * A text message encoded once for all its recipients: its UTF-8 bytes and its frame are made on
 * first use and shared, each socket writing them through a wrapper of its own rather than a copy.
 */
public final class Text {
    private final String json;
    private byte[] utf8;
    private byte[] wire;

    private Text(String json, byte[] utf8) {
        this.json = json;
        this.utf8 = utf8;
    }

    public static Text of(String json) {
        return new Text(json, null);
    }

    /** A message already encoded (see {@link WireJson#text}). */
    public static Text ofUtf8(byte[] utf8) {
        return new Text(null, utf8);
    }

    /** Touched from one thread at a time (the site's lane), so the lazy encoding needs no lock. */
    byte[] utf8() {
        byte[] b = utf8;
        if (b == null) utf8 = b = json.getBytes(StandardCharsets.UTF_8);
        return b;
    }

    /** The message as one final text frame, made once for all its recipients. */
    byte[] wire() {
        byte[] w = wire;
        if (w == null) wire = w = WireFrame.of(utf8(), true, true);
        return w;
    }
}
