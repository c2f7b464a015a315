package dev.tippen.backup;

import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.history.HistoryDatabase;
import dev.tippen.team.TeamDatabase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a data dir's databases, taken while the server runs, and putting one back.
 *
 * <p>Each file is copied with SQLite's online backup, which reads one consistent snapshot while the
 * server keeps writing. {@code tippen.db} goes first, then {@code team.db} (people and their roles),
 * then {@code history.db}: the history may then
 * be ahead of the live state's outbox, never behind it, and what it has already applied it
 * recognises by the positions it keeps, so a restored server neither loses nor repeats a visit. A
 * manifest names each file with its size and SHA-256; restoring checks them before anything is
 * replaced.
 */
public final class Backup {
    public static final String MANIFEST = "tippen-backup.json";
    /** In this order: see above. */
    static final List<String> FILES = List.of(SqliteDatabase.FILE_NAME, TeamDatabase.FILE_NAME, HistoryDatabase.FILE_NAME);
    private static final int FORMAT = 1;

    /** What was copied: file names and their sizes in bytes. */
    public record Taken(List<String> files, long bytes) {}

    private Backup() {}

    /** Copies the data dir's databases into {@code target}, which must be missing or empty. */
    public static Taken take(Path dataDir, Path target, String version) {
        if (!Files.exists(dataDir.resolve(SqliteDatabase.FILE_NAME))) {
            throw new IllegalStateException("no Tippen data in " + dataDir.toAbsolutePath().normalize()
                    + "; pass the server's --data-dir (or set TIPPEN_DATA_DIR)");
        }
        try {
            if (Files.exists(target) && !isEmptyDir(target)) {
                throw new IllegalArgumentException(target + " is not empty; a backup goes into a new or empty directory");
            }
            Files.createDirectories(target);
            JsonObject files = new JsonObject();
            List<String> copied = new ArrayList<>();
            long bytes = 0;
            for (String name : FILES) {
                Path source = dataDir.resolve(name);
                if (!Files.exists(source)) continue;
                Path partial = target.resolve(name + ".partial");
                copy(source, partial);
                check(partial);
                Path done = target.resolve(name);
                Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
                long size = Files.size(done);
                files.put(name, new JsonObject().put("bytes", size).put("sha256", sha256(done)));
                copied.add(name);
                bytes += size;
            }
            JsonObject manifest = new JsonObject().put("format", FORMAT).put("tippen", version)
                    .put("takenAt", Instant.now().toString()).put("files", files);
            Files.writeString(target.resolve(MANIFEST), manifest.encodePrettily());
            return new Taken(copied, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the backup to " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts a backup back into {@code dataDir}. A data dir that already holds data is refused unless
     * {@code replace}; then its files are moved aside, into a directory named in the answer, not deleted.
     */
    public static Path restore(Path backupDir, Path dataDir, boolean replace) {
        try {
            Path manifestFile = backupDir.resolve(MANIFEST);
            if (!Files.exists(manifestFile)) {
                throw new IllegalArgumentException(backupDir + " is not a Tippen backup (no " + MANIFEST + ")");
            }
            JsonObject manifest = new JsonObject(Files.readString(manifestFile));
            if (manifest.getInteger("format", 0) != FORMAT) {
                throw new IllegalArgumentException(backupDir + " is a backup of format " + manifest.getValue("format")
                        + "; this Tippen reads format " + FORMAT);
            }
            JsonObject files = manifest.getJsonObject("files", new JsonObject());
            if (!files.containsKey(SqliteDatabase.FILE_NAME)) throw new IllegalArgumentException(backupDir + " holds no " + SqliteDatabase.FILE_NAME);
            for (String name : files.fieldNames()) {
                if (!FILES.contains(name)) throw new IllegalArgumentException("the backup names an unknown file '" + name + "'");
                Path f = backupDir.resolve(name);
                String want = files.getJsonObject(name).getString("sha256");
                if (!Files.exists(f) || !sha256(f).equals(want)) {
                    throw new IllegalArgumentException(f + " is missing or damaged: its SHA-256 is not the manifest's");
                }
            }
            Path aside = null;
            if (Files.exists(dataDir.resolve(SqliteDatabase.FILE_NAME))) {
                if (Files.exists(dataDir.resolve(SqliteDatabase.FILE_NAME + "-shm")) && !replace) {
                    throw new IllegalStateException(dataDir + " holds data, and a server may be running on it (its "
                            + SqliteDatabase.FILE_NAME + "-shm exists); stop it, then pass --replace");
                }
                if (!replace) {
                    throw new IllegalStateException(dataDir + " already holds data; stop its server and pass --replace"
                            + " (its files are moved aside, not deleted)");
                }
                aside = dataDir.resolve("replaced-" + Instant.now().toString().replace(':', '-'));
                Files.createDirectories(aside);
                try (Stream<Path> present = Files.list(dataDir)) {
                    for (Path p : present.toList()) {
                        String n = p.getFileName().toString();
                        if (FILES.stream().anyMatch(n::startsWith)) Files.move(p, aside.resolve(n));
                    }
                }
            }
            Files.createDirectories(dataDir);
            for (String name : files.fieldNames()) {
                Path partial = dataDir.resolve(name + ".partial");
                Files.copy(backupDir.resolve(name), partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, dataDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            }
            return aside;
        } catch (IOException e) {
            throw new IllegalStateException("cannot restore into " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** SQLite's online backup: one consistent snapshot, while the server's connections keep writing. */
    private static void copy(Path source, Path target) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.toAbsolutePath());
             Statement st = c.createStatement()) {
            // The server's writer may hold the lock for a commit: wait for it rather than fail.
            st.execute("PRAGMA busy_timeout=30000");
            // All pages in one step (-1): a step-wise copy starts over whenever the server commits
            // between steps, which under load could be forever; one step reads one snapshot.
            int rc = c.unwrap(SQLiteConnection.class).getDatabase().backup("main", target.toAbsolutePath().toString(), null, 100, 100, -1);
            if (rc != 0) throw new IllegalStateException("cannot copy " + source + ": SQLite answered " + rc);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot copy " + source + ": " + e.getMessage(), e);
        }
    }

    /** The copy reads back whole. */
    private static void check(Path file) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String answer = rs.next() ? rs.getString(1) : "no answer";
            if (!"ok".equals(answer)) throw new IllegalStateException("the copy of " + file.getFileName() + " is damaged: " + answer);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
