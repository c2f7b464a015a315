package dev.tippen.config;

/**
 * What one visitor and one socket cost at most, measured (docs/operations.md, "Memory budgets"):
 * the figures the default budgets divide the heap by.
 */
public final class Budgets {
    /** A visitor with every field at its cap, its trail full and its invites kept: the worst case. */
    public static final long VISITOR_BYTES = 20 * 1024;
    /** An idle socket's share of the heap, with room for its write buffers. */
    public static final long SOCKET_BYTES = 24 * 1024;

    private Budgets() {}
}
