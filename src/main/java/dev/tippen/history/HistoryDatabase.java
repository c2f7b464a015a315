package dev.tippen.history;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Where the history is kept: a SQLite file in the data dir (one node), or PostgreSQL (several
 * nodes). Opening it runs the schema's migrations. The writer holds one connection of its own; the
 * API reads through a small pool, so a slow report never waits for the writer or holds it up.
 */
public final class HistoryDatabase implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HistoryDatabase.class);
    public static final String FILE_NAME = "history.db";

    private final Dialect dialect;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String describe;
    private final HikariDataSource readers;

    private HistoryDatabase(Dialect dialect, String jdbcUrl, String user, String password, String describe, int readers) {
        this.dialect = dialect;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.describe = describe;
        HikariConfig hc = poolConfig("tippen-history-readers", readers);
        hc.setReadOnly(dialect == Dialect.POSTGRES);
        // PostgreSQL's driver streams a result by the fetch size only inside a transaction; outside
        // one it reads the whole result into memory first. (The pool rolls a reader back when returned.)
        if (dialect == Dialect.POSTGRES) hc.setAutoCommit(false);
        // The driver prepares a statement on the server after five uses, and PostgreSQL then plans it
        // once for any parameters: for a report that generic plan guessed a few rows, skipped the
        // partial covering index and sorted on disk, 4x slower than planning each time with the
        // values (measured at 1,000,000 visits). Reads here are few and large: each is planned anew.
        if (dialect == Dialect.POSTGRES) hc.addDataSourceProperty("options", "-c plan_cache_mode=force_custom_plan");
        this.readers = new HikariDataSource(hc);
    }

    /** The SQLite file {@code history.db} under the data dir. */
    public static HistoryDatabase sqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data dir " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        HistoryDatabase db = new HistoryDatabase(Dialect.SQLITE, "jdbc:sqlite:" + file, null, null, "sqlite " + file, 3);
        try (Connection c = db.writer()) {
            // WAL is a property of the file: set before anyone else opens it, so readers never block the writer.
        } catch (SQLException e) {
            db.readers.close();
            throw new IllegalStateException("cannot open the history " + file + ": " + e.getMessage(), e);
        }
        db.migrate();
        return db;
    }

    /** {@code postgres://user:password@host:port/database} (or {@code postgresql://}), as libpq writes it. */
    public static HistoryDatabase postgres(String url) {
        dev.tippen.config.PostgresUrl pg = dev.tippen.config.PostgresUrl.parse(url, "--history");
        HistoryDatabase db = new HistoryDatabase(Dialect.POSTGRES, pg.jdbc(), pg.user(), pg.password(), pg.describe(), 4);
        db.migrate();
        return db;
    }

    private void migrate() {
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(jdbcUrl, user, password)
                    .locations(dialect.migrations())
                    .table("history_schema")
                    // The team's tables may be in the same database first (see TeamDatabase).
                    .baselineOnMigrate(true).baselineVersion("0")
                    .load();
            // Flyway would run beside migrations it does not know; tables a newer release changed
            // could then be misread, so an older release refuses them instead (see operations.md, "Upgrades").
            MigrationInfo[] all = flyway.info().all();
            // Any applied migration this release does not know, wherever Flyway lists it (a pending
            // one of ours may be listed after it).
            MigrationInfo newest = java.util.Arrays.stream(all).filter(m -> m.getState().name().startsWith("FUTURE")).reduce((a, b) -> b)
                    .orElse(null);
            if (newest != null) {
                String known = java.util.Arrays.stream(all).filter(m -> !m.getState().name().startsWith("FUTURE"))
                        .map(m -> m.getVersion().getVersion()).reduce((a, b) -> b).orElse("none");
                throw new IllegalStateException("it was migrated by a newer Tippen (schema " + newest.getVersion()
                        + "; this release knows up to " + known + "). Run that release, or restore the backup taken before the upgrade");
            }
            flyway.migrate();
        } catch (RuntimeException e) {
            readers.close();
            throw new IllegalStateException("cannot open the history (" + describe + "): " + rootMessage(e), e);
        }
    }

    /** A connection for the writer alone, in manual-commit mode. */
    Connection writer() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        if (user != null) props.setProperty("user", user);
        if (password != null) props.setProperty("password", password);
        Connection c = java.sql.DriverManager.getConnection(jdbcUrl, props);
        if (dialect == Dialect.SQLITE) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                // FULL: the outbox is trimmed once a batch is committed here, so the commit must be on disk.
                // One fsync per batch of hundreds of changes, off the tracking path.
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA busy_timeout=5000");
                // A deleted row's bytes are overwritten, not left in free pages: erasure must erase.
                st.execute("PRAGMA secure_delete=ON");
                // 16 MB of pages: the visits being written stay cached between batches.
                st.execute("PRAGMA cache_size=-16000");
            }
        }
        c.setAutoCommit(false);
        return c;
    }

    /**
     * After an erasure is committed: the deleted rows are overwritten in the file (secure_delete),
     * and the write-ahead log that still holds their earlier pages is copied over and cut to nothing.
     * PostgreSQL's own log is its business (docs/operations.md says what an operator can do).
     */
    void scrub(Connection c) {
        if (dialect != Dialect.SQLITE) return;
        try {
            // Outside any transaction: a checkpoint cannot copy past a read its own connection holds.
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } finally {
                c.setAutoCommit(false);
            }
        } catch (SQLException e) {
            log.warn("event=history_scrub_failed error=\"{}\"", e.getMessage());
        }
    }

    /**
     * Applies outbox entries in one transaction, as the recorder does: for loading history from
     * elsewhere (a benchmark's seed, an import). Not to be called while a server records into the same store.
     */
    public List<HistoryEvent> record(List<dev.tippen.stream.Outbox.Entry> entries) {
        try (Connection c = writer(); HistoryWriter w = new HistoryWriter(c, dialect)) {
            List<HistoryEvent> events = w.apply(entries);
            c.commit();
            return events;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record into the history: " + e.getMessage(), e);
        }
    }

    /**
     * A pool of read-write connections to the same database, for a feature that keeps its own tables
     * here (the webhooks): its writes then share the history's transactions and its durability.
     */
    public HikariDataSource pool(String name, int size) {
        return new HikariDataSource(poolConfig(name, size));
    }

    private HikariConfig poolConfig(String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setPoolName(name);
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(-1);
        if (dialect == Dialect.SQLITE) {
            hc.setConnectionInitSql("PRAGMA busy_timeout=5000");
            // Read by the driver as it opens each connection: deleted deliveries are overwritten too.
            hc.addDataSourceProperty("secure_delete", "true");
        }
        return hc;
    }

    /**
     * After a bulk load: what the engine's own upkeep does in time anyway (PostgreSQL's autovacuum
     * marks pages all-visible, so an index-only scan reads no table; both gather statistics), now.
     */
    public void settle() {
        try (Connection c = user == null ? java.sql.DriverManager.getConnection(jdbcUrl)
                : java.sql.DriverManager.getConnection(jdbcUrl, user, password); Statement st = c.createStatement()) {
            st.execute(dialect == Dialect.POSTGRES ? "VACUUM (ANALYZE)" : "ANALYZE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot settle the history: " + e.getMessage(), e);
        }
    }

    /** A pooled connection for a query. */
    Connection reader() throws SQLException {
        return readers.getConnection();
    }

    public Dialect dialect() {
        return dialect;
    }

    public String describe() {
        return describe;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void close() {
        readers.close();
    }
}
