package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import dev.tippen.engine.embedded.SqliteDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A day of visitors, compressed: the visitor TTL is 30 minutes in production, so a day is 48 TTLs.
 * Here the TTL is 0.6 seconds and 48 waves of new visitors (page views, heartbeats, invites nobody
 * answers) each expire in turn. The database and its log must stop growing once the first waves
 * have set the high-water mark, and hold nothing of the expired waves at the end.
 */
class ChurnTest {
    private static final int WAVES = 48;
    private static final int VISITORS_PER_WAVE = 120;

    @Test
    void aDayOfChurnLeavesTheFileSizeFlat() throws Exception {
        Duration ttl = Duration.ofMillis(600);
        try (TestServer server = TestServer.start(c -> c.withTimes(ttl, Duration.ofMillis(100), Duration.ofMillis(500)))) {
            KeyStore.CreatedSite site = server.createSite("Churn");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Long> sizes = new ArrayList<>();
            List<Long> logs = new ArrayList<>();
            try {
                for (int wave = 0; wave < WAVES; wave++) {
                    long waveStart = System.currentTimeMillis();
                    List<Future<?>> work = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        int w = wave, worker = t;
                        work.add(pool.submit(() -> {
                            for (int i = worker; i < VISITORS_PER_WAVE; i += 8) {
                                String id = "w" + w + "_" + i;
                                assertThat(server.track(site.publicKey(), "pageview", id).status()).isEqualTo(200);
                                assertThat(server.track(site.publicKey(), "heartbeat", id).status()).isEqualTo(200);
                                if (i % 4 == 0) {
                                    assertThat(server.invite(site.secretKey(), id, "https://meet.example.com/" + id).status())
                                            .isEqualTo(200);
                                }
                            }
                        }));
                    }
                    for (Future<?> f : work) f.get();
                    // Each wave lasts at least one TTL, so the previous wave has expired before the next ends.
                    long left = ttl.toMillis() - (System.currentTimeMillis() - waveStart);
                    if (left > 0) Thread.sleep(left);
                    sizes.add(onDisk(server.dataDir, ""));
                    logs.add(onDisk(server.dataDir, "-wal"));
                }
            } finally {
                pool.shutdownNow();
            }
            // Everything expires a little after the last wave.
            TestServer.eventually("every visitor expired", Duration.ofSeconds(10), () -> {
                try {
                    return rows(server.dataDir, "visitors") == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The journal is the history's outbox too: once the history has read it, it is trimmed to its newest row.
            TestServer.eventually("the journal trimmed once read", Duration.ofSeconds(10), () -> {
                try {
                    return rows(server.dataDir, "journal") <= 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            // The database holds only live rows: flat once warm, judged half against half (anything
            // that grows with the visitors seen, rather than live, doubles between the halves). The
            // log keeps its high-water mark, which a late checkpoint can raise, up to the limit it is
            // trimmed to once past it: bounded by that limit plus about a second of this load.
            long morning = sizes.subList(8, WAVES / 2).stream().mapToLong(Long::longValue).max().orElseThrow();
            long afternoon = sizes.subList(WAVES / 2, WAVES).stream().mapToLong(Long::longValue).max().orElseThrow();
            long largestLog = logs.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("churn: %d waves x %d visitors; database bytes, largest in waves 9-24 %d, in waves 25-48 %d;"
                    + " log largest %d, at the end %d%n", WAVES, VISITORS_PER_WAVE, morning, afternoon, largestLog, logs.get(WAVES - 1));
            assertThat(afternoon).as("database size over the day %s", sizes).isLessThanOrEqualTo(morning + morning / 4);
            assertThat(largestLog).as("log size over the day %s", logs).isLessThanOrEqualTo(16L * 1024 * 1024 + 4L * 1024 * 1024);
        }
    }

    private static long onDisk(Path dataDir, String suffix) throws Exception {
        Path f = dataDir.resolve(SqliteDatabase.FILE_NAME + suffix);
        return Files.exists(f) ? Files.size(f) : 0;
    }

    private static long rows(Path dataDir, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE_NAME));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.getLong(1);
        }
    }
}
