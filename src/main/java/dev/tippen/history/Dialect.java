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

    /**
     * Takes the write lock as a transaction's first act. SQLite (WAL) fails a transaction at once
     * when it read, another connection then committed, and it tries to write; one that holds the
     * lock from its start waits its turn instead. PostgreSQL needs nothing of the kind.
     */
    public void takeWriteLock(java.sql.Connection c) throws java.sql.SQLException {
        if (this != SQLITE) return;
        try (java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE positions SET position = position WHERE 0");
        }
    }

    String migrations() {
        return this == SQLITE ? "classpath:db/history/sqlite" : "classpath:db/history/postgresql";
    }
}
