package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SIGKILL leaves the page cache intact, so the crash tests cannot tell a lost fsync. This one
 * watches the system calls instead: the server runs under strace, events are sent one at a time,
 * and before each acknowledgement is written to its socket, the database's log must have been
 * fsync'd since the one before. With {@code synchronous=OFF} no such fsync happens and this fails.
 */
class FsyncTest {
    static final Path STRACE = Path.of("/usr/bin/strace");

    static boolean straceWorks() {
        if (!Files.isExecutable(STRACE)) return false;
        try {
            Process p = new ProcessBuilder(STRACE.toString(), "-f", "-qq", "-e", "trace=fsync", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void everyAcknowledgedEventIsFsyncedBeforeItsAnswer() throws Exception {
        dev.tippen.Needs.present(straceWorks(), "needs strace that may trace a child (apt-get install strace; ptrace allowed)");
        Path trace = Files.createTempFile("tippen-strace", ".txt");
        int events = 25;
        try (DurabilityTest.Child child = new DurabilityTest.Child("Fsync", List.of(),
                List.of(STRACE.toString(), "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync,write,writev,sendto,sendmsg", "-s", "200", "-o", trace.toString()))) {
            // Plain HTTP/1.1, one request per connection, so each answer is one write the trace can show.
            for (int i = 0; i < events; i++) {
                assertThat(NginxProxyTest.track(child.port, "127.0.0.1", child.site.publicKey(), "v_fsync" + i)).isEqualTo(200);
            }
        }
        int answers = 0;
        boolean syncedSinceLastAnswer = false;
        for (String line : Files.readAllLines(trace)) {
            if ((line.contains("fdatasync(") || line.contains("fsync(")) && line.contains("tippen.db-wal") && !line.contains("= -1")) {
                syncedSinceLastAnswer = true;
            } else if ((line.contains("write(") || line.contains("writev(") || line.contains("sendto(") || line.contains("sendmsg(")) && line.contains("HTTP/1.1 200") && line.contains("success")) {
                answers++;
                assertThat(syncedSinceLastAnswer).as("acknowledgement %d was written with no fsync of the log before it", answers).isTrue();
                syncedSinceLastAnswer = false;
            }
        }
        assertThat(answers).as("every acknowledgement seen in the trace").isEqualTo(events);
    }
}
