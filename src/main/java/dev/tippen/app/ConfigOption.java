package dev.tippen.app;

import dev.tippen.config.ConfigSources;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}, for every command whose options the configuration file can set. The file
 * is read into the command line's {@link ConfigSources}, which picocli then asks for each option no
 * flag set. Other commands' option sets extend it, to read the server's data dir from the same file.
 */
class ConfigOption {
    static final String FOOTER = "%nEvery option is also a TIPPEN_* variable and a key of the --config file: --port 8787, "
            + "TIPPEN_PORT=8787 and port = 8787 (--visitor-ttl: TIPPEN_VISITOR_TTL, visitor-ttl = \"30m\"). Flags win over variables, "
            + "variables over the file. 'tippen config print' shows the result and where each value came from; 'tippen config sample' "
            + "prints a file with every option.%n";

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A TOML file of options, keys named like the flags (TIPPEN_CONFIG). Flags and TIPPEN_* variables win over it.")
    void read(Path file) {
        if (file == null) return;
        try {
            sources().read(file);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }

    ConfigSources sources() {
        return (ConfigSources) command.defaultValueProvider();
    }
}
