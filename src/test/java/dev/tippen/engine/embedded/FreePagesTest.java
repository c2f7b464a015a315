package dev.tippen.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows deleted with secure_delete=FAST leave whole freed pages as they were; overwriting the free pages erases them. */
class FreePagesTest {
    private static final String MARKER = "free-page-marker-8d1f";

    @Test
    void overwritingTheFreePagesErasesWhatFastDeletesLeft(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA secure_delete=FAST");
                st.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB)");
                st.execute("CREATE TABLE free_page_scrub (zeros BLOB)");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO rows (data) VALUES (?)")) {
                byte[] row = (MARKER + " ".repeat(3000)).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 200; i++) {
                    insert.setBytes(1, row);
                    insert.executeUpdate();
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM rows");
            }
            assertThat(holds(file)).as("FAST leaves whole freed pages as they were").isTrue();

            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA secure_delete=ON");
            }
            FreePages.overwrite(c);
            c.commit();
            assertThat(holds(file)).as("the marker after the free pages were overwritten").isFalse();
            try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM free_page_scrub")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static boolean holds(Path file) throws Exception {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(MARKER);
    }
}
