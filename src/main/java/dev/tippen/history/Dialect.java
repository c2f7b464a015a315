package dev.tippen.history;

/**
 * What differs between the two history engines' SQL. Everything else (the upserts with
 * {@code ON CONFLICT ... DO UPDATE}, row-value comparisons, {@code LIMIT}) is written once.
 */
public enum Dialect {
    SQLITE("max"),
    POSTGRES("GREATEST");

    private final String greatest;

    Dialect(String greatest) {
        this.greatest = greatest;
    }

    /** The larger of two values, as this engine spells it. */
    String greatest(String a, String b) {
        return greatest + "(" + a + ", " + b + ")";
    }

    String migrations() {
        return this == SQLITE ? "classpath:db/history/sqlite" : "classpath:db/history/postgresql";
    }
}
