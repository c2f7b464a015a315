package dev.tippen.app;

import dev.tippen.config.ConfigSources;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tippen serve | keys ...}: the command line of the one runnable jar. */
@Command(name = "tippen", mixinStandardHelpOptions = true, version = "tippen " + Main.VERSION,
        description = "Real-time website-visitor backend: tracking, live dashboards and video invites.",
        subcommands = {ServeCommand.class, ConfigCommand.class, HealthCommand.class, KeysCommand.class, UsersCommand.class, BackupCommands.TakeBackup.class, BackupCommands.Restore.class,
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
        return commandLine(System::getenv);
    }

    /** @param env where TIPPEN_* variables are read from */
    public static CommandLine commandLine(Function<String, String> env) {
        // An option given twice takes its last value, as most command lines do (a wrapper script, then the user).
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setOverwrittenOptionsAllowed(true)
                // Under the flags: TIPPEN_* variables, then the --config file (set after the subcommands, so they get it too).
                .setDefaultValueProvider(new ConfigSources(env))
                // A usage mistake is its message and where to read more, not the whole option list.
                .setParameterExceptionHandler((e, args) -> {
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println("tippen: " + e.getMessage() + setBy(cmd, e.getArgSpec()));
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
                    cmd.getErr().println("(" + cmd.getCommandSpec().qualifiedName() + " --help lists the options)");
                    cmd.getErr().flush();
                    return 2;
                })
                // A mistake the command explains is one line and exit code 1, not a stack trace.
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)) throw e;
                    cmd.getErr().println("tippen: " + e.getMessage());
                    cmd.getErr().flush();
                    return 1;
                });
    }

    /** Where a refused value came from, when a variable or the file set it rather than a flag. */
    private static String setBy(CommandLine cmd, CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec option)) return "";
        if (!(cmd.getCommandSpec().defaultValueProvider() instanceof ConfigSources sources)) return "";
        String origin = sources.origin(option);
        return origin == null ? "" : " (set by " + origin + ")";
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
