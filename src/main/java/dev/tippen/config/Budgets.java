package dev.tippen.config;

/**
 * What one visitor and one socket cost at most, measured (docs/operations.md, "Memory budgets"):
 * the figures the default budgets divide the heap by.
 */
public final class Budgets {
    /**
     * A visitor with every field at its cap in characters the JVM keeps in two bytes, and its trail
     * full: the worst a public key can send (measured by MemoryBudgetTest at about 20 KiB). A typical
     * visitor costs a tenth of it.
     */
    public static final long VISITOR_BYTES = 24 * 1024;
    /** An idle socket's share of the heap, with room for its write buffers. */
    public static final long SOCKET_BYTES = 24 * 1024;

    private Budgets() {}
}
