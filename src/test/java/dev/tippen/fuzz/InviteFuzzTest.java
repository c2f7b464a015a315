package dev.tippen.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tippen.it.TestServer;
import dev.tippen.site.KeyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Fuzzes POST /api/send-video-invite with a live visitor on the site, so valid invites go all the way. */
class InviteFuzzTest {
    private static TestServer server;
    private static KeyStore.CreatedSite site;
    private static TestServer.Socket visitor;
    private static FuzzClient client;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        site = server.createSite("fuzz");
        server.track(site.publicKey(), "pageview", "v1");
        visitor = server.visitor(site.publicKey(), "v1");
        client = new FuzzClient(server.app.port());
    }

    @AfterAll
    static void stop() {
        client.close();
        visitor.close();
        server.close();
    }

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"\"apiKey\"", "\"visitorId\"", "\"guestUrl\"", "\"v1\"", "\"https://meet.example.com/r/1\"",
            "javascript:", "https://", "\"$SECRET\"", "null", "{}", "[]"})
    void inviteBody(FuzzedDataProvider data) {
        FuzzClient.allowLoopbackOnly();
        int keyChoice = data.consumeInt(0, 2);
        String header = keyChoice == 0 ? site.secretKey() : keyChoice == 1 ? site.publicKey() : null;
        String body = data.consumeRemainingAsString().replace("$SECRET", site.secretKey());
        FuzzClient.assertDeliberate(client.post("/api/send-video-invite", body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "Content-Type", "application/json", "X-Tippen-API-Key", header),
                200, 400, 401, 403, 404, 413);
    }
}
