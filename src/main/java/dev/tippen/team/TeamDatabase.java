package dev.tippen.team;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tippen.config.PostgresUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Where the team is kept: {@code team.db} in the data dir on one node, or the PostgreSQL the nodes
 * share. Opening it runs the migrations, which are the same SQL for both.
 */
public final class TeamDatabase implements AutoCloseable {
    public static final String FILE_NAME = "team.db";

    private final HikariDataSource pool;
    private final String describe;

    private TeamDatabase(HikariDataSource pool, String describe) {
        this.pool = pool;
        this.describe = describe;
    }

    public static TeamDatabase sqlite(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create data dir " + dataDir.toAbsolutePath() + ": " + e, e);
        }
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        HikariConfig hc = config("jdbc:sqlite:" + file, null, null, 2);
        // Sign-ins and edits are rare: FULL makes each acknowledged one durable.
        hc.setConnectionInitSql("PRAGMA busy_timeout=5000");
        hc.addDataSourceProperty("journal_mode", "WAL");
        hc.addDataSourceProperty("synchronous", "FULL");
        hc.addDataSourceProperty("secure_delete", "true");
        return open(hc, "sqlite " + file);
    }

    public static TeamDatabase postgres(String url) {
        PostgresUrl pg = PostgresUrl.parse(url, "--history");
        return open(config(pg.jdbc(), pg.user(), pg.password(), 3), pg.describe());
    }

    private static HikariConfig config(String jdbc, String user, String password, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbc);
        if (user != null) hc.setUsername(user);
        if (password != null) hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setPoolName("tippen-team");
        hc.setConnectionTimeout(5_000);
        return hc;
    }

    private static TeamDatabase open(HikariConfig hc, String describe) {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the team store (" + describe + "): " + e.getMessage(), e);
        }
        try {
            // With several nodes the team shares the history's database, so the schema is not empty
            // at first: baseline at 0, below every migration, and run them all.
            Flyway flyway = Flyway.configure().dataSource(pool).locations("classpath:db/team").table("team_schema")
                    .baselineOnMigrate(true).baselineVersion("0").load();
            MigrationInfo[] all = flyway.info().all();
            MigrationInfo future = java.util.Arrays.stream(all).filter(m -> m.getState().name().startsWith("FUTURE")).reduce((a, b) -> b)
                    .orElse(null);
            if (future != null) {
                throw new IllegalStateException("it was migrated by a newer Tippen (schema " + future.getVersion()
                        + "). Run that release, or restore the backup taken before the upgrade");
            }
            flyway.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("cannot open the team store (" + describe + "): " + e.getMessage(), e);
        }
        return new TeamDatabase(pool, describe);
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    public String describe() {
        return describe;
    }

    @Override
    public void close() {
        pool.close();
    }
}
