package dev.tippen.app;

import dev.tippen.config.ServeOptions;
import dev.tippen.backup.Backup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tippen backup DIR} and {@code tippen restore DIR}: the data dir's databases, copied while the server runs, and put back. */
final class BackupCommands {
    private BackupCommands() {}

    /** The data dir both commands work on. */
    static final class DataDir extends ConfigOption {
        @Option(names = "--data-dir", defaultValue = ServeOptions.DEFAULT_DATA_DIR, description = "The server's data dir (default ${DEFAULT-VALUE}).")
        Path path;
    }

    /** Prints one line of what was done. */
    static void say(CommandLine.Model.CommandSpec spec, String line) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(line);
        out.flush();
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Copy the data dir's databases into DIR while the server runs (SQLite's online backup), with a manifest of sizes and checksums.")
    static final class TakeBackup implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin DataDir dataDir;

        @Parameters(paramLabel = "DIR", description = "A new or empty directory for the backup.")
        Path target;

        @Override
        public Integer call() {
            long started = System.nanoTime();
            Backup.Taken taken = Backup.take(dataDir.path, target, Main.VERSION);
            say(spec, String.format("backed up %s (%,d bytes) to %s in %.1f s", String.join(", ", taken.files()), taken.bytes(), target,
                    (System.nanoTime() - started) / 1e9));
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Put a backup back into the data dir. Stop the server first; it starts on the restored data.")
    static final class Restore implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin DataDir dataDir;

        @Parameters(paramLabel = "DIR", description = "A directory written by 'tippen backup'.")
        Path backup;

        @Option(names = "--replace", description = "Restore over a data dir that holds data: its files are moved aside into a dated directory, not deleted.")
        boolean replace;

        @Override
        public Integer call() {
            Path aside = Backup.restore(backup, dataDir.path, replace);
            say(spec, "restored " + backup + " into " + dataDir.path + (aside == null ? "" : "; the files it replaced are in " + aside));
            return 0;
        }
    }
}
