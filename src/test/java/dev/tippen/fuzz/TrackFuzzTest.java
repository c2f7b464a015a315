package dev.tippen.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tippen.http.ApiError;
import dev.tippen.it.TestServer;
import dev.tippen.track.TrackRequest;
import dev.tippen.visitor.VisitorEvent;
import dev.tippen.visitor.VisitorIds;
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

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"\"event\"", "\"visitor\"", "\"visitorId\"", "\"website\"", "\"url\"", "\"timestamp\"",
            "\"pageview\"", "\"heartbeat\"", "\"exit\"", "\"video_accepted\"", "\"video_declined\"", "null", "{}", "[]"})
    void trackBody(FuzzedDataProvider data) {
        FuzzClient.allowLoopbackOnly();
        String contentType = data.pickValue(CONTENT_TYPES);
        boolean withKey = data.consumeBoolean();
        byte[] body = data.consumeRemainingAsBytes();

        try {
            // What parsing accepts keeps every promise the rest of the server relies on.
            VisitorEvent e = TrackRequest.parse(body, "203.0.113.7");
            assertThat(VisitorIds.valid(e.visitorId())).as("visitor id %s", e.visitorId()).isTrue();
            assertThat(e.type()).isNotNull();
            assertThat(e.ip()).isEqualTo("203.0.113.7");
            assertThat(length(e.page().url())).isLessThanOrEqualTo(2048);
            assertThat(length(e.page().referrer())).isLessThanOrEqualTo(2048);
            assertThat(length(e.page().title())).isLessThanOrEqualTo(512);
            assertThat(length(e.browser().userAgent())).isLessThanOrEqualTo(512);
            assertThat(length(e.browser().timezone())).isLessThanOrEqualTo(64);
            assertThat(length(e.website())).isLessThanOrEqualTo(253);
            assertThat(length(e.clientTimestamp())).isLessThanOrEqualTo(64);
            if (e.pageLoadId() != null) assertThat(e.pageLoadId()).matches("[A-Za-z0-9_-]{1,64}");
        } catch (ApiError e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
        }

        FuzzClient.assertDeliberate(client.post("/track/visitor", body,
                        "Content-Type", contentType.isEmpty() ? null : contentType,
                        "X-Tippen-API-Key", withKey ? key : null),
                200, 400, 401, 413, 415);
    }
}
