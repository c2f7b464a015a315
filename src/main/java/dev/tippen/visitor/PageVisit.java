package dev.tippen.visitor;

/**
 * One page of a visit's trail: when the visitor came to it and, once they moved on, when they left.
 * The page the visitor is on has {@code leftAt} {@link #HERE}; its time so far runs to the last
 * activity. A primitive, not a {@code Long}: trail pages are most of what a young collection copies
 * while visitors browse, and a boxed time is one more object each.
 */
public record PageVisit(String url, String title, long enteredAt, long leftAt) {
    /** The {@code leftAt} of the page the visitor is on. */
    public static final long HERE = -1;

    public boolean hasLeft() {
        return leftAt != HERE;
    }

    public long seconds(long lastActivity) {
        long until = hasLeft() ? leftAt : lastActivity;
        return Math.max(0, (until - enteredAt) / 1000);
    }

    PageVisit left(long at) {
        return hasLeft() ? this : new PageVisit(url, title, enteredAt, at);
    }

    long chars() {
        return (url == null ? 0 : url.length()) + (title == null ? 0 : title.length());
    }
}
