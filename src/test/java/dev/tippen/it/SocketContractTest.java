package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** /ws/dashboard and /ws/visitor: refusals before the upgrade, the messages both ways, and frame limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SocketContractTest {
    static TestServer server;
    static KeyStore.CreatedSite site;

    /** The server under test; the cluster variant runs the same contract on nodes sharing Redis. */
    TestServer newServer() {
        return TestServer.start();
    }

    @BeforeAll
    void start() {
        server = newServer();
        site = server.createSite("Sockets");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void dashboardIsRefusedBeforeTheUpgradeForAnyKeyButTheSecret() {
        assertThat(server.refusedUpgrade("/ws/dashboard")).isEqualTo(401);
        assertThat(server.refusedUpgrade("/ws/dashboard?apiKey=sk_wrong")).isEqualTo(401);
        assertThat(server.refusedUpgrade("/ws/dashboard?apiKey=" + site.publicKey())).isEqualTo(403);
        TestServer.Response plain = server.get("/ws/dashboard?apiKey=" + site.publicKey());
        assertThat(plain.status()).isEqualTo(403);
        assertThat(plain.error()).contains("secret key");
        TestServer.Response noUpgrade = server.get("/ws/dashboard?apiKey=" + site.secretKey());
        assertThat(noUpgrade.status()).isEqualTo(400);
        assertThat(noUpgrade.error()).contains("WebSocket");
    }

    @Test
    void dashboardOpensWithTheListAndAnswersPingAndGetVisitors() {
        server.track(site.publicKey(), "pageview", "v_list");
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            JsonObject initial = dash.next();
            assertThat(initial.getString("type")).isEqualTo("INITIAL_VISITORS");
            assertThat(TestServer.ids(initial)).contains("v_list");
            long before = System.currentTimeMillis();
            dash.send("{\"type\":\"PING\"}");
            JsonObject pong = dash.next();
            assertThat(pong.getString("type")).isEqualTo("PONG");
            assertThat(pong.getLong("timestamp")).isGreaterThanOrEqualTo(before - 1000);
            dash.send("{\"type\":\"GET_VISITORS\"}");
            JsonObject list = dash.next();
            assertThat(list.getString("type")).isEqualTo("VISITOR_LIST");
            assertThat(TestServer.ids(list)).contains("v_list");
        }
    }

    @Test
    void badDashboardMessagesGetAnErrorAndTheSocketStaysOpen() {
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            for (String bad : new String[] {"nonsense", "[]", "{}", "{\"type\":5}", "{\"type\":\"DELETE_ALL\"}"}) {
                dash.send(bad);
                JsonObject err = dash.next();
                assertThat(err.getString("type")).as(bad).isEqualTo("ERROR");
                assertThat(err.getString("error")).as(bad).isNotBlank();
            }
            dash.send("{\"type\":\"PING\"}");
            assertThat(dash.next().getString("type")).isEqualTo("PONG");
        }
    }

    @Test
    void framesOver64KiBCloseTheSocketWith1009() {
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            dash.send("{\"type\":\"PING\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
            assertThat(dash.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void visitorSocketIsRefusedForBadKeysAndIds() {
        assertThat(server.refusedUpgrade("/ws/visitor?visitorId=v1")).isEqualTo(401);
        assertThat(server.refusedUpgrade("/ws/visitor?visitorId=v1&apiKey=" + site.secretKey())).isEqualTo(403);
        assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey())).isEqualTo(400);
        assertThat(server.refusedUpgrade("/ws/visitor?visitorId=%3Cscript%3E&apiKey=" + site.publicKey())).isEqualTo(400);
    }

    @Test
    void visitorSocketHearsOnlyItsOwnInvites() {
        server.track(site.publicKey(), "pageview", "v_me");
        server.track(site.publicKey(), "pageview", "v_other");
        try (TestServer.Socket me = server.visitor(site.publicKey(), "v_me");
             TestServer.Socket other = server.visitor(site.publicKey(), "v_other")) {
            assertThat(me.next()).isEqualTo(new JsonObject().put("type", "CONNECTED").put("visitorId", "v_me"));
            other.next("CONNECTED");
            server.track(site.publicKey(), "pageview", "v_me");
            TestServer.Response r = server.invite(site.secretKey(), "v_me", "https://meet.example.com/r/42");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getBoolean("success")).isTrue();
            assertThat(r.json().getInteger("delivered")).isEqualTo(1);
            JsonObject invite = me.next();
            assertThat(invite.getString("type")).isEqualTo("VIDEO_INVITE");
            assertThat(invite.getString("visitorId")).isEqualTo("v_me");
            assertThat(invite.getString("guestUrl")).isEqualTo("https://meet.example.com/r/42");
            // The other visitor hears nothing: not the invite, not the page view of v_me.
            other.assertQuiet(500);
        }
    }

    @Test
    void anInviteSentWhileOfflineArrivesOnReconnect() {
        server.track(site.publicKey(), "pageview", "v_offline");
        TestServer.Response r = server.invite(site.secretKey(), "v_offline", "https://meet.example.com/r/7");
        assertThat(r.json().getInteger("delivered")).isZero();
        try (TestServer.Socket later = server.visitor(site.publicKey(), "v_offline")) {
            later.next("CONNECTED");
            JsonObject invite = later.next();
            assertThat(invite.getString("type")).isEqualTo("VIDEO_INVITE");
            assertThat(invite.getString("guestUrl")).isEqualTo("https://meet.example.com/r/7");
        }
        // Answered: a later socket gets no invite.
        server.track(site.publicKey(), "video_declined", "v_offline");
        try (TestServer.Socket again = server.visitor(site.publicKey(), "v_offline")) {
            again.next("CONNECTED");
            again.assertQuiet(500);
        }
    }

    @Test
    void dashboardsHearOfInvites() {
        server.track(site.publicKey(), "pageview", "v_dash_invite");
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            server.invite(site.secretKey(), "v_dash_invite", "https://meet.example.com/r/9");
            JsonObject sent = dash.next("VIDEO_INVITE_SENT");
            assertThat(sent.getString("visitorId")).isEqualTo("v_dash_invite");
            assertThat(sent.getString("guestUrl")).isEqualTo("https://meet.example.com/r/9");
            JsonObject update = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
            assertThat(update.getString("status")).isEqualTo("video_invited");
            assertThat(update.getString("guestUrl")).isEqualTo("https://meet.example.com/r/9");
        }
    }
}
