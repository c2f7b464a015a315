package dev.tippen.visitor;

import java.util.regex.Pattern;

/** What a visitor id may look like, wherever one comes in (tracking, sockets, invites, the API). */
public final class VisitorIds {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    public static final String RULE = "1-128 characters of A-Z a-z 0-9 _ . : -";

    private VisitorIds() {}

    /** The same as {@link #PATTERN}, without a matcher per call: this runs for every event. */
    public static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == ':' || c == '-';
            if (!ok) return false;
        }
        return true;
    }
}
