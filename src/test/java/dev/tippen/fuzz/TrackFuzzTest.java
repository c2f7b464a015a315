package dev.tippen.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tippen.http.ApiError;
import dev.tippen.it.TestServer;
import dev.tippen.track.TrackRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes POST /track/visitor: the body parser on its own (a request or a 400, nothing else) and the
 * whole route on a real server (a documented status with a JSON error, within 5 s).
 */
class TrackFuzzTest {
    private static final String[] CONTENT_TYPES = {
            "application/json", "text/plain;charset=UTF-8", "", "application/x-www-form-urlencoded", "APPLICATION/JSON; x"};

    private static TestServer server;
    private static String key;
    private static FuzzClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        key = server.createSite("fuzz").publicKey();
        client = new FuzzClient(server.app.port());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @FuzzTest(maxDuration = "40s")
    @DictionaryEntries({"\"event\"", "\"visitor\"", "\"visitorId\"", "\"website\"", "\"url\"", "\"timestamp\"",
            "\"pageview\"", "\"heartbeat\"", "\"exit\"", "\"video_accepted\"", "\"video_declined\"", "null", "{}", "[]"})
    void trackBody(FuzzedDataProvider data) {
        FuzzClient.allowLoopbackOnly();
        String contentType = data.pickValue(CONTENT_TYPES);
        boolean withKey = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();

        try {
            assertThat(TrackRequest.parse(body, "203.0.113.7").visitorId()).isNotBlank();
        } catch (ApiError e) {
            assertThat(e.status()).isEqualTo(400);
        }

        FuzzClient.assertDeliberate(client.post("/track/visitor", body,
                        "Content-Type", contentType.isEmpty() ? null : contentType,
                        "X-Tippen-API-Key", withKey ? key : null),
                200, 400, 401, 413, 415);
    }
}
