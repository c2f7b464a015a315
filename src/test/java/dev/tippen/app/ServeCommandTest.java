package dev.tippen.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tippen.config.TippenConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The serve command's options as a newcomer meets them: help without warnings, and defaults that fit together. */
class ServeCommandTest {
    private static TippenConfig config(String... args) {
        CommandLine cli = Main.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "serve";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine.ParseResult parsed = cli.parseArgs(all);
        ServeCommand serve = (ServeCommand) parsed.subcommand().commandSpec().userObject();
        return serve.config();
    }

    @Test
    void helpAndUsageErrorsPrintNoWarnings() {
        PrintStream before = System.err;
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        StringWriter help = new StringWriter();
        System.setErr(new PrintStream(seen, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(help, true));
            cli.setErr(new PrintWriter(new StringWriter(), true));
            assertThat(cli.execute("serve", "--help")).isZero();
            assertThat(Main.commandLine().setErr(new PrintWriter(new StringWriter(), true)).execute("serve", "--port", "not-a-port")).isNotZero();
        } finally {
            System.setErr(before);
        }
        assertThat(seen.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
        assertThat(help.toString()).contains("±20%").contains("--connections-per-ip", "--min-free-disk", "--socket-control-frames");
    }

    @Test
    void aShorterVisitorTtlAloneShortensTheVisitGap() {
        TippenConfig c = config("--visitor-ttl", "1m");
        assertThat(c.visitorTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.visitGap()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config("--visitor-ttl", "1m", "--visit-gap", "20s").visitGap()).isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> config("--visitor-ttl", "1m", "--visit-gap", "5m"))
                .hasMessageContaining("--visit-gap must not be longer than --visitor-ttl");
    }

    @Test
    void theLimitsHaveTheirDocumentedDefaults() {
        TippenConfig c = config();
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(c.limits().visitorBytes()).isEqualTo(Math.max(16L << 20, heap / 2));
        assertThat(c.limits().visitorBytesPerSite()).isEqualTo(c.limits().visitorBytes() / 2);
        assertThat(c.limits().maxVisitors()).as("no count cap unless set").isZero();
        assertThat(c.limits().maxVisitorsPerSite()).isZero();
        assertThat(config("--max-visitors", "100").limits().maxVisitorsPerSite()).isEqualTo(50);
        assertThat(config("--visitor-memory", "2GB", "--visitor-memory-per-site", "1TB").limits().visitorBytesPerSite()).isEqualTo(2L << 30);
        assertThat(config("--visitor-memory", "240MB").limits().siteVisitorCap(true))
                .as("Redis's per-site count from the worst case").isEqualTo(240 * 1024 / 24 / 2);
        assertThat(config("--visitor-memory", "240MB").limits().siteVisitorCap(false)).as("no count cap in memory").isZero();
        assertThatThrownBy(() -> config("--visitor-memory", "100KB")).hasMessageContaining("at least 1MB");
        assertThat(config("--socket-memory", "240MB").limits().maxSockets()).isEqualTo(240 * 1024 / 5);
        assertThat(config("--socket-memory", "240MB", "--max-sockets", "500").limits().maxSockets()).as("a count cap on top").isEqualTo(500);
        assertThat(config("--socket-memory", "240MB", "--max-sockets", "50000").limits().maxSockets()).isEqualTo(240 * 1024 / 5);
        assertThat(c.limits().maxSocketsPerSite()).isEqualTo(c.limits().maxSockets() / 2);
        assertThat(c.limits().controlFramesPerSecond()).isEqualTo(10);
        assertThat(c.limits().headerTimeoutMillis()).isEqualTo(10_000);
        assertThat(c.limits().minFreeDiskBytes()).isEqualTo(512L << 20);
        assertThat(c.limits().siteWriteBytesPerSecond()).isEqualTo(8L << 20);
        assertThat(c.rates().connectionsPerIp()).isEqualTo(1_500);
        assertThat(c.rates().socketsPerIp()).isEqualTo(1_000);
        assertThat(config("--connections-per-ip", "0", "--max-sockets-per-site", "7").rates().connectionsPerIp()).isZero();
        assertThat(config("--max-sockets-per-site", "7").limits().maxSocketsPerSite()).isEqualTo(7);
    }
}
