package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service unit that ships in dist/systemd: systemd's own checker accepts it, and its offline
 * security review rates its exposure low. Its ExecStart points at this checkout's launcher, as it
 * would at the installed one, since the checker wants the command to exist.
 */
class SystemdUnitTest {
    static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    static final Path UNIT = Path.of("dist/systemd/tippen.service");

    @TempDir
    Path dir;

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    @Test
    void theUnitVerifiesAndIsHardened() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(ANALYZE), "needs systemd-analyze (apt-get install systemd)");
        String unit = Files.readString(UNIT);
        for (String d : List.of("DynamicUser=yes", "StateDirectory=tippen", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "NoNewPrivileges=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service",
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "LimitNOFILE=", "KillSignal=SIGTERM")) {
            assertThat(unit).contains(d);
        }
        Path here = dir.resolve("tippen.service");
        Files.writeString(here, unit.replace("/opt/tippen/bin/tippen", Path.of("tippen").toAbsolutePath().toString()));
        run(List.of(ANALYZE.toString(), "verify", here.toString()));
        String review = run(List.of(ANALYZE.toString(), "security", "--offline=true", "--no-pager", here.toString()));
        Matcher m = Pattern.compile("Overall exposure level for tippen.service: ([0-9.]+)").matcher(review);
        assertThat(m.find()).as(review).isTrue();
        double exposure = Double.parseDouble(m.group(1));
        System.out.printf("systemd: tippen.service exposure %.1f (0 safest, 10 least safe)%n", exposure);
        assertThat(exposure).as("systemd-analyze security's exposure").isLessThanOrEqualTo(2.0);
    }
}
