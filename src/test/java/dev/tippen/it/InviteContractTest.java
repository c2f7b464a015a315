package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** POST /api/send-video-invite: keys, visitors and guest URLs that are not safe to put in an iframe. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InviteContractTest {
    static TestServer server;
    static KeyStore.CreatedSite site;

    /** The server under test; the cluster variant runs the same contract on nodes sharing Redis. */
    TestServer newServer() {
        return TestServer.start();
    }

    @BeforeAll
    void start() {
        server = newServer();
        site = server.createSite("Invites");
        server.track(site.publicKey(), "pageview", "v_target");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void unsafeGuestUrlsAreRefused() {
        for (String url : new String[] {"javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                "http://evil.example.com/", "/relative/path", "ftp://example.com/x", "vbscript:msgbox(1)",
                "https://user:pass@example.com/", "https://", "not a url at all"}) {
            TestServer.Response r = server.invite(site.secretKey(), "v_target", url);
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.error()).as(url).contains("guestUrl");
        }
        assertThat(server.invite(site.secretKey(), "v_target", "http://localhost:3000/room").status()).isEqualTo(200);
        // No guest URL at all is a call in Tippen itself, not a mistake.
        TestServer.Response call = server.invite(site.secretKey(), "v_target", "");
        assertThat(call.status()).as(call.body()).isEqualTo(200);
        assertThat(call.json().getJsonObject("call").getString("ticket")).isNotBlank();
        assertThat(server.invite(site.secretKey(), "v_target", "https://meet.example.com/next").status())
                .as("a call not yet joined is replaced by a newer invite like any other").isEqualTo(200);
        assertThat(server.invite(site.secretKey(), "v_target", "https://meet.example.com/room?x=1").status()).isEqualTo(200);
    }

    @Test
    void keysMustBeSecret() {
        assertThat(server.invite(null, "v_target", "https://meet.example.com/").status()).isEqualTo(401);
        assertThat(server.invite("sk_unknown", "v_target", "https://meet.example.com/").status()).isEqualTo(401);
        TestServer.Response pub = server.invite(site.publicKey(), "v_target", "https://meet.example.com/");
        assertThat(pub.status()).isEqualTo(403);
        String body = new JsonObject().put("visitorId", "v_target").put("guestUrl", "https://meet.example.com/").encode();
        TestServer.Response bearer = server.post("/api/send-video-invite", body, "Content-Type", "application/json",
                "Authorization", "Bearer " + site.secretKey());
        assertThat(bearer.status()).isEqualTo(200);
    }

    @Test
    void unknownVisitorIs404AndBadBodiesAre400() {
        TestServer.Response unknown = server.invite(site.secretKey(), "v_nobody", "https://meet.example.com/");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).contains("v_nobody");
        assertThat(server.post("/api/send-video-invite", "{", "Content-Type", "application/json",
                "Authorization", "Bearer " + site.secretKey()).status()).isEqualTo(400);
        assertThat(server.post("/api/send-video-invite", "[]", "Authorization", "Bearer " + site.secretKey()).status()).isEqualTo(400);
        assertThat(server.post("/api/send-video-invite", "{\"guestUrl\":\"https://a.example/\"}",
                "Authorization", "Bearer " + site.secretKey()).error()).contains("visitorId");
        assertThat(server.post("/api/send-video-invite", "{\"visitorId\":5}", "Authorization", "Bearer " + site.secretKey())
                .error()).contains("must be a string");
        assertThat(server.get("/api/send-video-invite").status()).isEqualTo(405);
    }
}
