package dev.tippen.history;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of a list stopped: its last row's time and id. The next page starts strictly after it
 * in (time, id) order, newest first, so rows written meanwhile never shift a page or repeat one.
 */
record Keyset(long at, String id) {
    String encode() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((at + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** Null when the text is not a cursor this server made. */
    static Keyset decode(String text) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            if (colon <= 0 || colon == s.length() - 1 || s.length() > 200) return null;
            return new Keyset(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
