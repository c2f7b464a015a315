package dev.tippen.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tippen serve | keys ...}: the command line of the one runnable jar. */
@Command(name = "tippen", mixinStandardHelpOptions = true, version = "tippen " + Main.VERSION,
        description = "Real-time website-visitor backend: tracking, live dashboards and video invites.",
        subcommands = {ServeCommand.class, KeysCommand.class, BackupCommands.TakeBackup.class, BackupCommands.Restore.class,
                LauncherCommands.FetchIpData.class, LauncherCommands.Bench.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final String VERSION = "0.1.0";
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        // An option given twice takes its last value, as most command lines do (a wrapper script, then the user).
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOverwrittenOptionsAllowed(true)
                // A mistake the command explains is one line and exit code 1, not a stack trace.
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)) throw e;
                    cmd.getErr().println("tippen: " + e.getMessage());
                    cmd.getErr().flush();
                    return 1;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
