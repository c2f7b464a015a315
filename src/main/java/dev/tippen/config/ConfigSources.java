package dev.tippen.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The layers under the flags, as picocli's default provider: a {@code TIPPEN_*} variable, then the
 * configuration file ({@code --config FILE} or {@code TIPPEN_CONFIG}), then the option's own
 * default. Picocli asks only for options no flag set, so flags win. Remembers where each value
 * came from, for {@code tippen config print}.
 */
public final class ConfigSources implements CommandLine.IDefaultValueProvider {
    public static final String CONFIG_VARIABLE = "TIPPEN_CONFIG";
    public static final String FLAG = "flag";
    public static final String DEFAULT = "default";

    private final Function<String, String> env;
    private final Set<String> names = Set.copyOf(ServeOptions.names());
    private final Set<String> lists = listOptions();
    private final Map<String, String> origins = new HashMap<>();
    private ConfigFile file;
    private boolean variableRead;

    /** @param env the process's variables ({@code System::getenv}), or a map's in tests */
    public ConfigSources(Function<String, String> env) {
        this.env = env;
    }

    /** Reads the configuration file; it replaces the one {@code TIPPEN_CONFIG} names. */
    public void read(Path path) {
        file = ConfigFile.read(path, names, lists);
        variableRead = true;
    }

    public ConfigFile file() {
        readVariable();
        return file;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        String name = ServeOptions.name(option);
        if (!names.contains(name)) return null;
        String variable = variable(name);
        String value = env.apply(variable);
        if (value != null) {
            origins.put(name, variable);
            return value;
        }
        try {
            readVariable();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(arg.command().commandLine(), e.getMessage());
        }
        value = file == null ? null : file.value(name);
        if (value != null) {
            origins.put(name, file.path().toString());
            return value;
        }
        origins.put(name, DEFAULT);
        return null;
    }

    /**
     * Where each serve option's value came from, in the sample file's order: {@code flag}, the
     * variable's name, the file's path, or {@code default}.
     */
    public Map<String, String> origins(CommandLine.ParseResult parsed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : ServeOptions.names()) {
            boolean flag = parsed != null && parsed.hasMatchedOption("--" + name);
            out.put(name, flag ? FLAG : origins.getOrDefault(name, DEFAULT));
        }
        return out;
    }

    /** The variable or file that gave this option its value, if one did (null for a flag or the default). */
    public String origin(OptionSpec option) {
        String origin = origins.get(ServeOptions.name(option));
        return origin == null || origin.equals(DEFAULT) ? null : origin;
    }

    /** The options a flag, a variable or the file set: the ones whose value was asked for. */
    public Set<String> given(CommandLine.ParseResult parsed) {
        Set<String> given = new java.util.HashSet<>();
        origins(parsed).forEach((name, origin) -> {
            if (!origin.equals(DEFAULT)) given.add(name);
        });
        return given;
    }

    /** {@code --visitor-ttl} is {@code TIPPEN_VISITOR_TTL}. */
    public static String variable(String name) {
        return "TIPPEN_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private void readVariable() {
        if (variableRead) return;
        variableRead = true;
        String path = env.apply(CONFIG_VARIABLE);
        if (path != null && !path.isBlank()) file = ConfigFile.read(Path.of(path.trim()), names, lists);
    }

    private static Set<String> listOptions() {
        List<OptionSpec> specs = ServeOptions.specs();
        Set<String> lists = new java.util.HashSet<>();
        for (OptionSpec o : specs) {
            if (o.isMultiValue()) lists.add(ServeOptions.name(o));
        }
        return Set.copyOf(lists);
    }
}
