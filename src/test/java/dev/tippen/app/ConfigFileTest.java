package dev.tippen.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.ConfigText;
import dev.tippen.config.TippenConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The configuration file beside flags and TIPPEN_* variables: precedence, mistakes named, secrets masked, the sample. */
class ConfigFileTest {
    @TempDir
    Path dir;

    final Map<String, String> env = new HashMap<>();

    record Run(int exit, String out, String err) {}

    Run tippen(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine(env::get);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The serve command's config for these arguments, as it would start. */
    TippenConfig serve(String... args) {
        CommandLine cli = Main.commandLine(env::get);
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = cli.parseArgs(all);
        return ((ServeCommand) parsed.subcommand().commandSpec().userObject()).config();
    }

    Path file(String text) throws Exception {
        Path f = dir.resolve("tippen-" + System.nanoTime() + ".toml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void flagsWinOverVariablesAndVariablesOverTheFile() throws Exception {
        Path f = file("""
                port = 9000
                visitor-ttl = "20m"
                invite-ttl = "2m"
                trusted-proxy = ["10.0.0.0/8", "192.168.0.0/16"]
                demo = true
                """);
        env.put("TIPPEN_PORT", "9100");
        env.put("TIPPEN_VISITOR_TTL", "25m");
        TippenConfig c = serve("--config", f.toString(), "--visitor-ttl", "28m");
        assertThat(c.port()).isEqualTo(9100);
        assertThat(c.visitorTtl()).isEqualTo(Duration.ofMinutes(28));
        assertThat(c.inviteTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.trustedProxies()).hasSize(2);
        assertThat(c.demo()).isTrue();
        assertThat(serve("--config", f.toString(), "--demo=false").demo()).isFalse();
        assertThat(c.sweepInterval()).isEqualTo(TippenConfig.defaults(dir).sweepInterval());

        Run print = tippen("config", "print", "--config", f.toString(), "--visitor-ttl", "28m");
        assertThat(print.exit()).isZero();
        assertThat(print.out()).contains("port = 9100  # TIPPEN_PORT\n", "visitor-ttl = \"28m\"  # flag\n",
                "invite-ttl = \"2m\"  # " + f + "\n", "trusted-proxy = [\"10.0.0.0/8\", \"192.168.0.0/16\"]  # " + f + "\n",
                "sweep-interval = \"5s\"  # default\n");
        // A budget left at 0 is sized to the heap, and says to what.
        assertThat(print.out()).containsPattern("visitor-memory = \"0\"  # default; this heap \\(\\d+ MB\\): \\d+ [KM]B\n")
                .containsPattern("socket-memory = \"0\"  # default; this heap \\(\\d+ MB\\): \\d+ sockets\n");
    }

    @Test
    void theVariableNamesTheFileToo() throws Exception {
        env.put("TIPPEN_CONFIG", file("port = 9200\n").toString());
        assertThat(serve().port()).isEqualTo(9200);
        assertThat(serve("--port", "9300").port()).isEqualTo(9300);
    }

    @Test
    void mistakesInTheFileAreNamedWithTheNearestKnownKey() throws Exception {
        Path f = file("""
                port = 8787
                max-visitor = 3
                vistor-ttl = "5m"
                colour = "blue"
                """);
        Run check = tippen("config", "check", f.toString());
        assertThat(check.exit()).isEqualTo(1);
        assertThat(check.err()).contains("unknown key 'max-visitor' (did you mean 'max-visitors'?)")
                .contains("unknown key 'vistor-ttl' (did you mean 'visitor-ttl'?)").contains("unknown key 'colour'")
                .doesNotContain("'colour' (did you mean");
        Run serve = tippen("serve", "--config", f.toString());
        assertThat(serve.exit()).isEqualTo(2);
        assertThat(serve.err()).contains("did you mean 'max-visitors'");

        assertThat(tippen("config", "check", file("port = \"abc\"\n").toString()).err()).contains("--port").contains("abc");
        assertThat(tippen("config", "check", file("port = 1.5\n").toString()).err()).contains("port: a whole number");
        assertThat(tippen("config", "check", file("host = [\"a\"]\n").toString()).err()).contains("host: takes one value");
        assertThat(tippen("config", "check", file("[server]\nport = 1\n").toString()).err()).contains("unknown key 'server'");
        assertThat(tippen("config", "check", file("port = \n").toString()).err()).contains("not valid TOML").contains("line 1");
        assertThat(tippen("config", "check", dir.resolve("missing.toml").toString()).err()).contains("no such file");
        Run rule = tippen("config", "check", file("visitor-ttl = \"5m\"\nvisit-gap = \"10m\"\n").toString());
        assertThat(rule.exit()).isEqualTo(1);
        assertThat(rule.err()).contains("--visit-gap must not be longer than --visitor-ttl");
        Run variable = tippen("serve", "--port", "x");
        assertThat(variable.exit()).isEqualTo(2);
        env.put("TIPPEN_PORT", "x");
        assertThat(tippen("serve").err()).contains("set by TIPPEN_PORT");
    }

    @Test
    void printMasksSecrets() throws Exception {
        Path f = file("""
                metrics-token = "token-in-file"
                enrich-key = "paid-key"
                redis = "redis://:redis-pass@127.0.0.1:6379"
                history = "postgres://tippen:pg-pass@db:5432/tippen"
                """);
        Run print = tippen("config", "print", "--config", f.toString());
        assertThat(print.exit()).isZero();
        assertThat(print.out()).doesNotContain("token-in-file", "paid-key", "redis-pass", "pg-pass")
                .contains("metrics-token = \"********\"", "redis = \"redis://:********@127.0.0.1:6379\"",
                        "history = \"postgres://tippen:********@db:5432/tippen\"");
        env.put("TIPPEN_METRICS_TOKEN", "token-in-variable");
        assertThat(tippen("config", "print").out()).doesNotContain("token-in-variable").contains("metrics-token = \"********\"  # TIPPEN_METRICS_TOKEN");
    }

    @Test
    void theSampleListsEveryOptionAtItsDefault() throws Exception {
        String sample = ConfigText.sample();
        List<String> flags = Main.commandLine(env::get).getSubcommands().get("serve").getCommandSpec().options().stream()
                .map(o -> o.longestName().substring(2)).filter(n -> !List.of("config", "help", "version").contains(n)).toList();
        assertThat(flags).hasSizeGreaterThan(50);
        for (String flag : flags) assertThat(sample).as(flag).containsPattern("(?m)^# " + flag + " = ");
        // Uncommented, the sample is a valid file that changes nothing.
        String uncommented = sample.lines().filter(l -> l.matches("# [a-z0-9-]+ = .*")).map(l -> l.substring(2))
                .reduce("", (a, b) -> a + b + "\n");
        Path f = file(uncommented);
        Run check = tippen("config", "check", f.toString());
        assertThat(check.err()).isEmpty();
        assertThat(check.out()).contains("fine (" + flags.size() + " options set)");
        TippenConfig fromSample = serve("--config", f.toString());
        TippenConfig defaults = TippenConfig.defaults(fromSample.dataDir());
        assertThat(fromSample).usingRecursiveComparison().ignoringFields("enrich.ipData.watcher").isEqualTo(defaults);
        assertThat(tippen("config", "sample").out()).isEqualTo(sample);
    }

    @Test
    void theHealthCheckAsksThePortTheFileNames() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Run nothing = tippen("health", "--config", file("port = " + port + "\n").toString());
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.out()).contains("127.0.0.1:" + port + "/healthz");
    }

    @Test
    void theKeysCommandFindsTheDataDirInTheFile() throws Exception {
        Path data = dir.resolve("data");
        Path f = file("data-dir = \"" + data.toString().replace("\\", "\\\\") + "\"\n");
        Run created = tippen("keys", "create", "--name", "Acme", "--config", f.toString());
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(data.resolve("tippen.db")).exists();
        assertThat(tippen("keys", "list", "--config", f.toString()).out()).contains("Acme");
    }
}
