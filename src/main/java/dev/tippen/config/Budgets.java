package dev.tippen.config;

/**
 * What one visitor and one socket hold, measured (docs/operations.md, "Memory budgets"): the figures
 * the default budgets are made of.
 */
public final class Budgets {
    /**
     * What a live visitor holds besides its fields' characters: its objects' headers, its place in
     * the site's maps and order, its trail's entries. With {@link #visitorBytes}'s eighth, above what
     * MemoryBudgetTest measures for typical visitors (2.6 KiB of live heap for 1.9 KiB stored) and
     * for the largest (20.3 KiB for 19 KiB stored).
     */
    public static final int VISITOR_FIXED_BYTES = 1536;
    /**
     * The most one visitor can cost: every field at its cap in characters the JVM keeps in two bytes,
     * its trail full (about 19 KiB measured). What a site's count budget is made of with Redis, where
     * the node does not hold the visitors.
     */
    public static final long VISITOR_MOST_BYTES = 24 * 1024;
    /**
     * An idle visitor socket's share of the heap, now that a socket is served on Netty directly: 3.5
     * KiB measured for the first thousand (MemoryBudgetTest), 2.9 for each thousand after, 3.0 in the
     * idle bench at 19,000 sockets; 17.6 KiB while it was Vert.x's. What it queues for a slow reader
     * is bounded apart, by the socket write budget.
     */
    public static final long SOCKET_BYTES = 5 * 1024;

    private Budgets() {}

    /**
     * What a visitor whose stored form is {@code storedBytes} long is charged against the budgets.
     * A character takes at most as many bytes in the heap as in its UTF-8 (one for Latin-1 text, two
     * otherwise, against one to three), so the stored form bounds the characters; an eighth more
     * covers the objects that hold them, which grow with the trail as its stored entries do.
     */
    public static int visitorBytes(int storedBytes) {
        return VISITOR_FIXED_BYTES + storedBytes + (storedBytes >> 3);
    }
}
