package dev.tippen.app;

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

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Copy the data dir's databases into DIR while the server runs (SQLite's online backup), with a manifest of sizes and checksums.")
    static final class TakeBackup implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "A new or empty directory for the backup.")
        Path target;

        @Option(names = "--data-dir", defaultValue = "${env:TIPPEN_DATA_DIR:-./data}", description = "The server's data dir (default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Override
        public Integer call() {
            long started = System.nanoTime();
            Backup.Taken taken = Backup.take(dataDir, target, Main.VERSION);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("backed up %s (%,d bytes) to %s in %.1f s%n", String.join(" and ", taken.files()), taken.bytes(), target,
                    (System.nanoTime() - started) / 1e9);
            out.flush();
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Put a backup back into the data dir. Stop the server first; it starts on the restored data.")
    static final class Restore implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "A directory written by 'tippen backup'.")
        Path backup;

        @Option(names = "--data-dir", defaultValue = "${env:TIPPEN_DATA_DIR:-./data}", description = "The data dir to restore into (default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--replace", description = "Restore over a data dir that holds data: its files are moved aside into a dated directory, not deleted.")
        boolean replace;

        @Override
        public Integer call() {
            Path aside = Backup.restore(backup, dataDir, replace);
            PrintWriter out = spec.commandLine().getOut();
            out.println("restored " + backup + " into " + dataDir + (aside == null ? "" : "; the files it replaced are in " + aside));
            out.flush();
            return 0;
        }
    }
}
