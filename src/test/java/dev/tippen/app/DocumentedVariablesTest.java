package dev.tippen.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.ConfigSources;
import dev.tippen.config.ServeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every TIPPEN_* variable the docs, the launchers, the service unit and the compose file name is
 * one the server reads: an option's variable, or one of the few the launchers and files read.
 */
class DocumentedVariablesTest {
    /** Read by the launchers (JVM options, log level), the bench or the compose file, not options of serve. */
    static final Set<String> OUTSIDE_OPTIONS = Set.of(ConfigSources.CONFIG_VARIABLE, "TIPPEN_JAVA_OPTS", "TIPPEN_BENCH_JAVA_OPTS",
            "TIPPEN_BENCH_LOGS", "TIPPEN_LOG_LEVEL", "TIPPEN_VERSION");

    @Test
    void everyNamedVariableIsRead() throws Exception {
        Set<String> known = new HashSet<>(OUTSIDE_OPTIONS);
        ServeOptions.names().forEach(n -> known.add(ConfigSources.variable(n)));
        Pattern variable = Pattern.compile("TIPPEN_[A-Z0-9_]*[A-Z0-9]");
        Set<String> named = new HashSet<>();
        try (Stream<Path> files = Stream.of(Path.of("README.md"), Path.of("CHANGELOG.md"), Path.of("tippen"), Path.of("docs"), Path.of("dist"))
                .flatMap(DocumentedVariablesTest::walk)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".png")).toList()) {
                Matcher m = variable.matcher(Files.readString(f));
                while (m.find()) {
                    named.add(m.group());
                    assertThat(known).as(f + " names " + m.group()).contains(m.group());
                }
            }
        }
        assertThat(named).contains("TIPPEN_DATA_DIR", "TIPPEN_REDIS", "TIPPEN_JAVA_OPTS");
    }

    private static Stream<Path> walk(Path p) {
        try {
            return Files.isDirectory(p) ? Files.walk(p) : Stream.of(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
