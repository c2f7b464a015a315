package dev.tippen.visitor;

/** A page as a tracker reports it. Every string is already length-capped; any may be null. */
public record Page(String url, String referrer, String title) {
    public static final Page NONE = new Page(null, null, null);
}
