package dev.tippen.history;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A page of the visits list: a site, a range of start times ({@code from} inclusive, {@code to}
 * exclusive, epoch ms), optional filters, and the cursor where the previous page stopped.
 */
record VisitQuery(String siteId, long from, long to, String visitorId, String company, String country, String network,
                  String page, int limit, Cursor cursor) {

    /**
     * Where a page stopped: the last visit's start time and id. The next page starts strictly after it
     * in (start time, id) order, so visits written meanwhile never shift a page or repeat one.
     */
    record Cursor(long startedAt, String visitId) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((startedAt + ":" + visitId).getBytes(StandardCharsets.UTF_8));
        }

        /** Null when the text is not a cursor this server made. */
        static Cursor decode(String text) {
            try {
                String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int colon = s.indexOf(':');
                if (colon <= 0 || colon == s.length() - 1 || s.length() > 200) return null;
                return new Cursor(Long.parseLong(s.substring(0, colon)), s.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
