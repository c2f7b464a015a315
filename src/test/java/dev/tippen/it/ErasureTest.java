package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Erasure erases: after DELETE, nothing the visitor sent is left in any file of the data dir (the
 * databases and their write-ahead logs), and no log line names the visitor.
 */
class ErasureTest {
    private static final String MARKER = "erasure-marker-5b7c1e";

    @Test
    void nothingTheVisitorSentIsLeftOnDisk() throws Exception {
        try (LogCapture log = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME); TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Erase");
            String visitor = "v_erase_me";
            for (String page : List.of("first", "second")) {
                String body = new JsonObject().put("event", "pageview").put("website", "example.com").put("visitor", new JsonObject()
                        .put("visitorId", visitor)
                        .put("url", "https://example.com/" + page + "?email=ann." + MARKER + "@example.com")
                        .put("referrer", "https://search.example/?q=" + MARKER)
                        .put("title", "Title " + MARKER)
                        .put("userAgent", "Mozilla/5.0 " + MARKER)
                        .put("timestamp", "2026-11-24T10:00:00Z")).encode();
                assertThat(server.post("/track/visitor", body, "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey())
                        .status()).isEqualTo(200);
            }
            assertThat(server.invite(site.secretKey(), visitor, "https://meet.example.com/" + MARKER).status()).isEqualTo(200);
            TestServer.eventually("the history has the visit", Duration.ofSeconds(20),
                    () -> server.request("GET", "/api/visits?visitorId=" + visitor, null, "Authorization", "Bearer " + site.secretKey())
                            .json().getJsonArray("visits").size() == 1);
            assertThat(filesHolding(server.dataDir)).as("the marker is on disk before the erasure").isNotEmpty();

            TestServer.Response erased = server.request("DELETE", "/api/visitors/" + visitor, null, "Authorization", "Bearer " + site.secretKey());
            assertThat(erased.status()).isEqualTo(204);

            List<String> left = TestServer.eventually("the marker is gone from every file", Duration.ofSeconds(60),
                    () -> filesHolding(server.dataDir), List::isEmpty);
            assertThat(left).isEmpty();
            assertThat(log.lines()).as("log lines naming the visitor").noneMatch(l -> l.contains(visitor) || l.contains(MARKER));
        }
    }

    /** The files under {@code dir} whose bytes hold the marker. */
    private static List<String> filesHolding(Path dir) {
        byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> contains(read(f), marker)).map(Path::toString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            return new byte[0]; // a log file rotated away as it was read
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
