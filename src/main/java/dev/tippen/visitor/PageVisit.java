package dev.tippen.visitor;

/**
 * One page of a visit's trail: when the visitor came to it and, once they moved on, when they left.
 * The page the visitor is on has no {@code leftAt}; its time so far runs to the last activity.
 */
public record PageVisit(String url, String title, long enteredAt, Long leftAt) {
    public long seconds(long lastActivity) {
        long until = leftAt != null ? leftAt : lastActivity;
        return Math.max(0, (until - enteredAt) / 1000);
    }

    PageVisit left(long at) {
        return leftAt != null ? this : new PageVisit(url, title, enteredAt, at);
    }

    long chars() {
        return (url == null ? 0 : url.length()) + (title == null ? 0 : title.length());
    }
}
