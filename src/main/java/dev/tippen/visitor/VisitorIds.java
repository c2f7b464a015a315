package dev.tippen.visitor;

import java.util.regex.Pattern;

/** What a visitor id may look like, wherever one comes in (tracking, sockets, invites, the API). */
public final class VisitorIds {
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    public static final String RULE = "1-128 characters of A-Z a-z 0-9 _ . : -";

    private VisitorIds() {}

    public static boolean valid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
