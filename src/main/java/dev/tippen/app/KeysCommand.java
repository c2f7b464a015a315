package dev.tippen.app;

import dev.tippen.config.ServeOptions;
import dev.tippen.config.ConfigRules;
import dev.tippen.engine.redis.RedisKeyStore;
import dev.tippen.site.ApiKey;
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import dev.tippen.engine.embedded.SqliteDatabase;
import dev.tippen.engine.embedded.SqliteKeyStore;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tippen keys ...}: sites and their keys, in the same store a running server reads. A server
 * notices changes within a second; revoked keys stop working and their sockets are closed.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list, revoke and rotate site keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class, KeysCommand.Rotate.class,
                KeysCommand.Export.class, KeysCommand.Import.class})
final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the keys live, as the server's own options (and --config file) say. */
    static class StoreOptions extends ConfigOption {
        @Option(names = "--data-dir", defaultValue = ServeOptions.DEFAULT_DATA_DIR, description = "The server's data dir (default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--redis", defaultValue = "",
                description = "The Redis the servers share, instead of --data-dir.")
        String redis;

        /**
         * Notes a change of keys in the site's audit log, where this command can reach it (the data
         * dir's team.db; with Redis, the servers keep the team in PostgreSQL, which this command does
         * not open). A log that cannot be written does not undo the change: it is said and skipped.
         */
        void audit(String siteId, String action, String detail) {
            if (siteId == null || ConfigRules.redisUrl(redis) != null) return;
            try (dev.tippen.team.TeamDatabase db = dev.tippen.team.TeamDatabase.sqlite(dataDir)) {
                dev.tippen.team.Audit.recordNow(new dev.tippen.team.TeamStore(db), siteId, dev.tippen.team.Audit.Actor.CLI, action, siteId, detail);
            } catch (RuntimeException e) {
                System.err.println("warning: the audit log was not written: " + e.getMessage());
            }
        }

        /** The store, made if missing: for commands that add to it. */
        KeyStore open() {
            String url = ConfigRules.redisUrl(redis);
            return url == null ? new SqliteKeyStore(SqliteDatabase.open(dataDir)) : RedisKeyStore.open(url);
        }

        /**
         * The store as it is: a data dir with no database is a mistake (the default ./data follows the
         * current directory), said as such rather than answered with an empty list and a new empty dir.
         */
        KeyStore openExisting() {
            if (ConfigRules.redisUrl(redis) == null && !java.nio.file.Files.exists(dataDir.resolve(SqliteDatabase.FILE_NAME))) {
                throw new IllegalStateException("no Tippen data in " + dataDir.toAbsolutePath().normalize()
                        + "; pass the server's --data-dir or --config (or set TIPPEN_DATA_DIR)");
            }
            return open();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a site and print its keys (shown only once).")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--name", required = true, description = "The site's name, e.g. \"Acme\".")
        String name;

        @Option(names = "--json", description = "Print {\"siteId\",\"name\",\"publicKey\",\"secretKey\"}.")
        boolean json;

        @Option(names = "--single-key", description = "One key for both roles, as older trackers and dashboards expect. Insecure: anyone who reads your page can watch your visitors.")
        boolean singleKey;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (name.isBlank() || name.length() > 200) {
                err.println("tippen: --name must be 1-200 characters");
                return 2;
            }
            KeyStore.CreatedSite created;
            try (KeyStore keys = store.open()) {
                created = keys.createSite(name.trim(), singleKey);
            }
            store.audit(created.site().siteId(), "key.created", singleKey ? "single" : "public+secret");
            if (singleKey) {
                err.println("warning: this site has one key for both roles; anyone who can read a page that embeds it can open the dashboard");
            }
            if (json) {
                out.println(new JsonObject().put("siteId", created.site().siteId()).put("name", created.site().name())
                        .put("publicKey", created.publicKey()).put("secretKey", created.secretKey()).encode());
            } else {
                out.println("site:        " + created.site().siteId() + " (" + created.site().name() + ")");
                out.println("public key:  " + created.publicKey() + "   <- in your pages' <script data-tippen-api-key=...>");
                out.println("secret key:  " + created.secretKey() + "   <- for the dashboard and invites; keep it secret");
                out.println("The secret key is not stored and cannot be shown again.");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List sites and keys (secret keys only as a hint).")
    static final class ListKeys implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (KeyStore keys = store.openExisting()) {
                List<ApiKey> all = keys.keys();
                for (Site s : keys.sites()) {
                    out.printf("%s  %s%s  created %s%n", s.siteId(), s.name(), s.singleKey() ? "  (single key)" : "",
                            Instant.ofEpochMilli(s.createdAt()));
                    for (ApiKey k : all) {
                        if (!k.siteId().equals(s.siteId())) continue;
                        out.printf("    %-7s %s%s%n", k.role().wire(), k.hint(),
                                k.revoked() ? "  revoked " + Instant.ofEpochMilli(k.revokedAt()) : "");
                    }
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke all keys of a site, or one key.")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "<siteId|key>", description = "A site id, or a key in full.")
        String target;

        @Override
        public Integer call() {
            int n;
            String siteId;
            try (KeyStore keys = store.openExisting()) {
                String t = target.trim();
                siteId = keys.site(t).isPresent() ? t : keys.keys().stream().filter(k -> k.hash().equals(dev.tippen.site.ApiKeys.hash(t)))
                        .map(ApiKey::siteId).findFirst().orElse(null);
                n = keys.revoke(t);
            }
            if (n > 0) store.audit(siteId, "key.revoked", n + (n == 1 ? " key" : " keys"));
            if (n == 0) {
                spec.commandLine().getErr().println("tippen: no active key matches " + target);
                spec.commandLine().getErr().flush();
                return 1;
            }
            spec.commandLine().getOut().println("revoked " + n + " key" + (n == 1 ? "" : "s"));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true, description = "Revoke a site's secret key and print a new one.")
    static final class Rotate implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "<siteId>")
        String siteId;

        @Override
        public Integer call() {
            try (KeyStore keys = store.openExisting()) {
                String secret = keys.rotateSecret(siteId.trim());
                store.audit(siteId.trim(), "key.rotated", "secret");
                spec.commandLine().getOut().println("secret key:  " + secret);
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("tippen: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print every site and key as JSON lines (hashes only: no key can be recovered from them).")
    static final class Export implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (KeyStore keys = store.openExisting()) {
                List<ApiKey> all = keys.keys();
                for (Site s : keys.sites()) {
                    io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
                    for (ApiKey k : all) {
                        if (!k.siteId().equals(s.siteId())) continue;
                        rows.add(new JsonObject().put("hash", k.hash()).put("role", k.role().wire()).put("hint", k.hint())
                                .put("createdAt", k.createdAt()).put("revokedAt", k.revokedAt()));
                    }
                    out.println(new JsonObject().put("siteId", s.siteId()).put("name", s.name()).put("singleKey", s.singleKey())
                            .put("createdAt", s.createdAt()).put("keys", rows).encode());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Add the sites and keys of a 'keys export' (read from stdin or --file); sites already there are left as they are.")
    static final class Import implements Callable<Integer> {
        @CommandLine.Mixin StoreOptions store;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--file", description = "The export to read (default: standard input).")
        Path file;

        @Override
        public Integer call() throws java.io.IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            List<String> lines = file != null ? java.nio.file.Files.readAllLines(file)
                    : new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).lines().toList();
            int added = 0;
            int skipped = 0;
            try (KeyStore keys = store.open()) {
                int n = 0;
                for (String line : lines) {
                    n++;
                    if (line.isBlank()) continue;
                    JsonObject j;
                    Site site;
                    List<ApiKey> rows = new java.util.ArrayList<>();
                    try {
                        j = new JsonObject(line);
                        site = new Site(j.getString("siteId"), j.getString("name"), j.getBoolean("singleKey", false),
                                j.getLong("createdAt", 0L));
                        if (site.siteId() == null || site.name() == null) throw new IllegalArgumentException("siteId and name are needed");
                        for (Object o : j.getJsonArray("keys", new io.vertx.core.json.JsonArray())) {
                            JsonObject k = (JsonObject) o;
                            rows.add(new ApiKey(k.getString("hash"), site.siteId(), dev.tippen.site.KeyRole.fromWire(k.getString("role")),
                                    k.getString("hint"), k.getLong("createdAt", 0L), k.getLong("revokedAt")));
                        }
                    } catch (RuntimeException e) {
                        err.println("tippen: line " + n + " is not a site of 'keys export': " + e.getMessage());
                        err.flush();
                        return 2;
                    }
                    if (keys.importSite(site, rows)) added++;
                    else skipped++;
                }
            }
            out.println("imported " + added + " site" + (added == 1 ? "" : "s") + (skipped > 0 ? ", " + skipped + " already there" : ""));
            out.flush();
            return 0;
        }
    }
}
