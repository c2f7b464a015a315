package dev.tippen.app;

import dev.tippen.config.ByteSizes;
import dev.tippen.config.ConfigRules;
import dev.tippen.config.ConfigSources;
import dev.tippen.config.ConfigText;
import dev.tippen.config.ServeOptions;
import dev.tippen.config.TippenConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tippen config print | check FILE | sample}: the configuration as a server would read it. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Print, check or write out Tippen's configuration.",
        subcommands = {ConfigCommand.Print.class, ConfigCommand.Check.class, ConfigCommand.Sample.class})
final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "print", mixinStandardHelpOptions = true, footer = ConfigOption.FOOTER,
            description = "Print the configuration 'tippen serve' would run with, given the same file, variables and flags, "
                    + "with where each value came from; secrets are masked, and a budget left at 0 shows what this heap gives it. "
                    + "Exits 2 if a rule is broken.")
    static final class Print implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ServeOptions options;

        @CommandLine.Mixin
        ConfigOption configFile;

        @Override
        public Integer call() {
            CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
            Map<String, String> origins = configFile.sources().origins(parsed);
            TippenConfig config = null;
            String broken = null;
            try {
                config = ConfigRules.config(options, configFile.sources().given(parsed));
            } catch (IllegalArgumentException e) {
                broken = e.getMessage();
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(ConfigText.effective(spec.options(), origins, config == null ? Map.of() : derived(config)));
            out.flush();
            if (broken == null) return 0;
            spec.commandLine().getErr().println("tippen: " + broken);
            spec.commandLine().getErr().flush();
            return 2;
        }

        /** What a 0 ("size it to the heap") comes to in this JVM, beside the 0. */
        private static Map<String, String> derived(TippenConfig c) {
            String heap = "this heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MB): ";
            TippenConfig.Limits l = c.limits();
            return Map.of("visitor-memory", heap + ByteSizes.approx(l.visitorBytes()),
                    "visitor-memory-per-site", heap + ByteSizes.approx(l.visitorBytesPerSite()),
                    "socket-memory", heap + l.maxSockets() + " sockets", "max-sockets-per-site", heap + l.maxSocketsPerSite());
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a configuration file on its own (no flags or variables): its keys, its values and every rule. Exits 0 if it is fine.")
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The TOML file to check.")
        Path file;

        @Override
        public Integer call() {
            ConfigSources sources = new ConfigSources(name -> null);
            ServeOptions options = new ServeOptions();
            CommandLine parser = new CommandLine(options).setDefaultValueProvider(sources);
            try {
                sources.read(file);
                CommandLine.ParseResult parsed = parser.parseArgs();
                ConfigRules.config(options, sources.given(parsed));
            } catch (IllegalArgumentException | CommandLine.ParameterException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("tippen: " + (e.getMessage().startsWith(file.toString()) ? "" : file + ": ") + e.getMessage());
                err.flush();
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(file + ": fine (" + sources.file().values().size() + " options set)");
            out.flush();
            return 0;
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Print a configuration file with every option commented out at its default, to start from.")
    static final class Sample implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.print(ConfigText.sample());
            out.flush();
            return 0;
        }
    }
}
