package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import dev.tippen.store.sqlite.SqliteDatabase;
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
                    sizes.add(onDisk(server.dataDir));
                }
            } finally {
                pool.shutdownNow();
            }
            // Everything has expired a little after the last wave.
            Thread.sleep(ttl.toMillis() + 1500);
            assertThat(rows(server.dataDir, "visitors")).isZero();
            assertThat(rows(server.dataDir, "invites")).isZero();

            long warm = sizes.get(7);
            long last = sizes.get(WAVES - 1);
            long max = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
            System.out.printf("churn: %d waves x %d visitors; db+wal bytes after wave 8 %d, after wave %d %d, max %d%n",
                    WAVES, VISITORS_PER_WAVE, warm, WAVES, last, max);
            // Flat: once warm, the files grow by no more than a quarter (one busier wave's worth of log).
            assertThat(max).as("file size over the day %s", sizes).isLessThanOrEqualTo(warm + warm / 4);
            assertThat(last).as("file size at the end of the day %s", sizes).isLessThanOrEqualTo(warm + warm / 4);
        }
    }

    private static long onDisk(Path dataDir) throws Exception {
        long total = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            Path f = dataDir.resolve(SqliteDatabase.FILE_NAME + suffix);
            if (Files.exists(f)) total += Files.size(f);
        }
        return total;
    }

    private static long rows(Path dataDir, String table) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteDatabase.FILE_NAME));
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.getLong(1);
        }
    }
}
