package dev.tippen.socket;

import java.nio.charset.StandardCharsets;

/**
 * A text message encoded once for all its recipients: the UTF-8 bytes are made on first use and
 * shared, each socket writing them through a wrapper of its own rather than a copy.
 */
public final class Text {
    private final String json;
    private byte[] utf8;

    private Text(String json) {
        this.json = json;
    }

    public static Text of(String json) {
        return new Text(json);
    }

    public String json() {
        return json;
    }

    /** Touched from the site's lane only, so the lazy encoding needs no lock. */
    byte[] utf8() {
        byte[] b = utf8;
        if (b == null) utf8 = b = json.getBytes(StandardCharsets.UTF_8);
        return b;
    }

    int size() {
        return utf8().length;
    }
}
