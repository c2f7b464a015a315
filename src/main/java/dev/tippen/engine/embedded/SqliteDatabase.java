package dev.tippen.engine.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The one SQLite file under the data dir: opens connections with the same settings and owns the schema. */
public final class SqliteDatabase {
    public static final String FILE_NAME = "tippen.db";
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
        "INSERT OR IGNORE INTO meta (k, v) VALUES ('keys_version', '0')",
        """
        CREATE TABLE IF NOT EXISTS sites (
          site_id TEXT PRIMARY KEY, name TEXT NOT NULL, single_key INTEGER NOT NULL, created_at INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS api_keys (
          key_hash TEXT PRIMARY KEY, site_id TEXT NOT NULL, role TEXT NOT NULL, hint TEXT NOT NULL,
          created_at INTEGER NOT NULL, revoked_at INTEGER)""",
        "CREATE INDEX IF NOT EXISTS api_keys_site ON api_keys (site_id)",
        // Console sessions: the hash of each cookie's token, never the token.
        """
        CREATE TABLE IF NOT EXISTS console_sessions (
          hash TEXT PRIMARY KEY, site_id TEXT NOT NULL, key_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL)""",
        """
        CREATE TABLE IF NOT EXISTS visitors (
          site_id TEXT NOT NULL, visitor_id TEXT NOT NULL, last_activity INTEGER NOT NULL, data TEXT NOT NULL,
          PRIMARY KEY (site_id, visitor_id)) WITHOUT ROWID""",
        // What a heartbeat changes, apart from the visitor's row: a heartbeat rewrites this small row
        // (dozens to a page) instead of the visitor's JSON, which may span more than a page.
        """
        CREATE TABLE IF NOT EXISTS visitor_activity (
          site_id TEXT NOT NULL, visitor_id TEXT NOT NULL, last_activity INTEGER NOT NULL, last_event TEXT,
          client_ts TEXT, PRIMARY KEY (site_id, visitor_id)) WITHOUT ROWID""",
        // Every change to a visitor, appended in commit order: a commit writes a few rows at the end of
        // this table instead of rewriting a page for each visitor. The visitor tables above catch up a
        // few rows per commit, and the journal is trimmed behind them (GroupCommitWriter). It is also the
        // outbox: recorded notices for the history are rows of it, or a mark (kind) on a visitor's row.
        """
        CREATE TABLE IF NOT EXISTS journal (
          seq INTEGER PRIMARY KEY, site_id TEXT NOT NULL, visitor_id TEXT NOT NULL, kind INTEGER NOT NULL,
          last_activity INTEGER, last_event TEXT, client_ts TEXT, data BLOB)""",
        // Empty but for a moment after an erasure: zeros that take the file's free pages, so whatever an
        // erased visitor left in them is overwritten (FreePages).
        """
        CREATE TABLE IF NOT EXISTS free_page_scrub (zeros BLOB)""",
    };


    /**
     * The schema this release writes, in {@code PRAGMA user_version}. 0 is 0.1.0's file, which had no
     * number: the statements above bring it to 1 as they are. A later change adds a step to
     * {@link #upgrade} and raises this. A file with a higher number was written by a newer release,
     * whose tables this one may misread: it refuses to open it rather than guess.
     */
    public static final int SCHEMA_VERSION = 1;

    /** How long a connection waits for another's lock: the key store and the command line share the file. */
    static final int LOCK_WAIT_MILLIS = 10_000;

    private final Path file;
    private final int lockWaitMillis;

    private SqliteDatabase(Path file, int lockWaitMillis) {
        this.file = file;
        this.lockWaitMillis = lockWaitMillis;
    }

    public static SqliteDatabase open(Path dataDir) {
        return open(dataDir, LOCK_WAIT_MILLIS);
    }

    /** Creates the data dir and schema if needed; fails with a message that names the path. */
    public static SqliteDatabase open(Path dataDir, int lockWaitMillis) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data dir " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        if (!Files.isWritable(dataDir)) {
            throw new IllegalStateException("data dir " + dataDir.toAbsolutePath() + " is not writable");
        }
        SqliteDatabase db = new SqliteDatabase(dataDir.resolve(FILE_NAME), lockWaitMillis);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            int found = schemaVersion(st);
            if (found > SCHEMA_VERSION) {
                throw new IllegalStateException(db.file.toAbsolutePath() + " was written by a newer Tippen (schema " + found
                        + "; this release reads up to " + SCHEMA_VERSION + "). Run that release, or restore the backup taken before"
                        + " the upgrade (tippen restore)");
            }
            for (String sql : SCHEMA) st.execute(sql);
            upgrade(st, found);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open database " + db.file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return db;
    }

    static int schemaVersion(Statement st) throws SQLException {
        try (var rs = st.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Brings a file from an older release forward, one step per schema number, then stamps it. */
    private static void upgrade(Statement st, int found) throws SQLException {
        if (found == SCHEMA_VERSION) return;
        // 0 -> 1: 0.1.0's tables are today's; only the number is new.
        st.execute("PRAGMA user_version=" + SCHEMA_VERSION);
    }

    /**
     * synchronous=FULL: every commit is fsync'd, so an acknowledged event survives power loss as well as a
     * killed process. Group commit is what keeps that affordable.
     */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try (Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout=" + lockWaitMillis);
            st.execute("PRAGMA synchronous=FULL");
            st.execute("PRAGMA foreign_keys=OFF");
            // A deleted row's bytes are overwritten, not left in free pages: erasure must erase.
            st.execute("PRAGMA secure_delete=ON");
        }
        return c;
    }

    public Path file() {
        return file;
    }
}
