package dev.tippen.engine.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Overwrites the database file's free pages. The writer trims the journal with {@code secure_delete=FAST}:
 * rows are zeroed where they sit, but a page freed whole keeps its old bytes until it is used again
 * (zeroing every freed page doubled what each commit wrote, measured). After an erasure those bytes
 * may be the erased visitor's, so the free pages are taken by zeros and freed again, zeroed, inside
 * the writer's transaction.
 */
final class FreePages {
    /** Pages of zeros per row, so no single value approaches SQLite's length limit. */
    private static final long PAGES_PER_ROW = 4_096;

    private FreePages() {
    }

    /** On the writer's connection, inside its transaction, with {@code secure_delete=ON}; the table is the schema's. */
    static void overwrite(Connection c) throws SQLException {
        long free;
        long pageSize;
        try (Statement st = c.createStatement()) {
            free = single(st, "PRAGMA freelist_count");
            pageSize = single(st, "PRAGMA page_size");
            if (free == 0) return;
        }
        // Each row's zeros fill overflow pages, which SQLite takes from the free list before it grows the file.
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO free_page_scrub (zeros) VALUES (zeroblob(?))")) {
            for (long left = free; left > 0; left -= PAGES_PER_ROW) {
                insert.setLong(1, Math.min(left, PAGES_PER_ROW) * pageSize);
                insert.executeUpdate();
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM free_page_scrub");
        }
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
