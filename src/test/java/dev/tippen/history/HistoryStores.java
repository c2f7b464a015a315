package dev.tippen.history;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tippen.bench.PostgresProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two history engines for tests: a SQLite file in a fresh directory, or a fresh database on a
 * PostgreSQL cluster this JVM starts once (initdb in a temp dir, pg_ctl on a free port) and stops at exit.
 */
public final class HistoryStores {
    private static PostgresProcess postgres;
    private static final AtomicInteger databases = new AtomicInteger();

    private HistoryStores() {}

    public static HistoryDatabase sqlite() {
        try {
            return HistoryDatabase.sqlite(Files.createTempDirectory("tippen-history"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty database on the shared cluster; the test is skipped where PostgreSQL is not installed. */
    public static HistoryDatabase postgres() {
        return HistoryDatabase.postgres(postgresUrl());
    }

    /** The URL of a new, empty database: what --history takes. */
    public static String postgresUrl() {
        PostgresProcess pg = cluster();
        String name = "history_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port + "/postgres", "tippen", "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
        return "postgres://tippen@127.0.0.1:" + pg.port + "/" + name;
    }

    public static synchronized PostgresProcess cluster() {
        dev.tippen.Needs.present(PostgresProcess.available(), "needs Debian's postgresql (apt-get install postgresql)");
        if (postgres == null) {
            try {
                postgres = PostgresProcess.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PostgresProcess started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return postgres;
    }

    public static HistoryDatabase open(String kind) {
        return kind.equals("postgres") ? postgres() : sqlite();
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("tippen-history");
    }
}
