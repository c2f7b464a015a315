package dev.tippen.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tippen.bench.RedisProcess;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A real redis-server for one test, skipped (with the reason) where Debian's redis-server is missing. */
final class RedisServer {
    private RedisServer() {}

    static RedisProcess start() {
        dev.tippen.Needs.present(RedisProcess.available(), "needs Debian's redis-server (apt-get install redis-server)");
        try {
            return RedisProcess.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try {
            return RedisProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
