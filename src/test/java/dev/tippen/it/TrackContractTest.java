package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** POST /track/visitor over real HTTP: each effect, each bad input, each key refusal. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackContractTest {
    static TestServer server;
    static KeyStore.CreatedSite site;

    /** The server under test; the cluster variant runs the same contract on nodes sharing Redis. */
    TestServer newServer() {
        return TestServer.start();
    }

    @BeforeAll
    void start() {
        server = newServer();
        site = server.createSite("Acme");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void firstEventCreatesTheVisitorAndAnswersOnlyOnceStored() {
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            TestServer.Response r = server.track(site.publicKey(), "pageview", "v_first");
            assertThat(r.status()).isEqualTo(200);
            // The original's answer, and the visitor's token for the served tracker's socket.
            assertThat(r.json().getBoolean("success")).isTrue();
            assertThat(r.json().getString("sessionId")).isEqualTo("v_first");
            assertThat(r.json().getString("visitorToken")).matches("[A-Za-z0-9_-]{22}");
            assertThat(r.json().fieldNames()).containsExactlyInAnyOrder("success", "sessionId", "visitorToken");
            // Stored when answered: a snapshot read right after the answer (committed state only) has it.
            try (TestServer.Socket fresh = server.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(fresh.next("INITIAL_VISITORS"))).contains("v_first");
            }
            JsonObject update = dash.next("VISITOR_UPDATE");
            assertThat(update.getString("event")).isEqualTo("pageview");
            JsonObject v = update.getJsonObject("visitor");
            assertThat(v.getString("visitorId")).isEqualTo("v_first");
            assertThat(v.getString("website")).isEqualTo("example.com");
            assertThat(v.getString("ip")).isEqualTo("127.0.0.1");
            assertThat(v.getInteger("pageViews")).isEqualTo(1);
            assertThat(v.getString("status")).isEqualTo("active");
            assertThat(v.getString("company")).isEqualTo("google.com");
            assertThat(v.getString("location")).isEqualTo("Europe/Berlin");
            assertThat(v.getString("lastRole")).isEqualTo("Mac - Chrome");
            assertThat(v.getString("timestamp")).isEqualTo("2026-11-24T10:00:00Z");
            assertThat(v.getString("firstSeen")).isNotBlank();
            assertThat(v.getString("lastActivity")).isNotBlank();
        }
    }

    @Test
    void timestampStaysTheFirstEventsAcrossPageViewsAndHeartbeats() {
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            String[] sent = {"2026-11-24T10:00:00Z", "2026-11-24T10:05:00Z", "2026-11-24T10:09:30Z"};
            String[] events = {"pageview", "heartbeat", "pageview"};
            for (int i = 0; i < sent.length; i++) {
                String body = TestServer.trackBody(events[i], "v_ts", "https://example.com/p" + i).replace("2026-11-24T10:00:00Z", sent[i]);
                assertThat(server.post("/track/visitor", body, "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey())
                        .status()).isEqualTo(200);
                JsonObject v = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
                assertThat(v.getString("timestamp")).as("after the %s at %s", events[i], sent[i]).isEqualTo(sent[0]);
            }
        }
    }

    @Test
    void pageviewsCountButHeartbeatsDoNot() {
        String id = "v_counting";
        server.track(site.publicKey(), "pageview", id);
        server.track(site.publicKey(), "heartbeat", id);
        server.track(site.publicKey(), "heartbeat", id);
        server.track(site.publicKey(), "pageview", id);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            JsonObject v = visitor(dash.next("INITIAL_VISITORS"), id);
            assertThat(v.getInteger("pageViews")).isEqualTo(2);
            assertThat(v.getString("lastEvent")).isEqualTo("pageview");
        }
    }

    @Test
    void anExitTakesTheVisitorOffTheLiveListAfterTheGraceAndComingBackIsANewVisit() {
        String id = "v_exit";
        server.track(site.publicKey(), "pageview", id);
        server.track(site.publicKey(), "pageview", id);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            String visitId = visitor(dash.next("INITIAL_VISITORS"), id).getString("visitId");
            long exitAt = System.currentTimeMillis();
            assertThat(server.trackOnPage(site.publicKey(), "exit", id).status()).isEqualTo(200);
            JsonObject update = dash.next("VISITOR_UPDATE");
            assertThat(System.currentTimeMillis() - exitAt).as("not before the grace").isGreaterThanOrEqualTo(TestServer.EXIT_GRACE.toMillis() - 50);
            assertThat(update.getString("event")).isEqualTo("exit");
            assertThat(update.getJsonObject("visitor").getString("status")).isEqualTo("left");
            assertThat(dash.next("VISITOR_REMOVED").getJsonArray("visitorIds").getList()).containsExactly(id);
            dash.send("{\"type\":\"GET_VISITORS\"}");
            assertThat(TestServer.ids(dash.next("VISITOR_LIST"))).doesNotContain(id);
            server.track(site.publicKey(), "pageview", id);
            JsonObject back = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
            assertThat(back.getString("status")).isEqualTo("active");
            assertThat(back.getInteger("pageViews")).isEqualTo(1);
            assertThat(back.getString("visitId")).isNotEqualTo(visitId);
        }
    }

    @Test
    void theNextPageWithinTheGraceKeepsTheVisitorOnTheList() {
        String id = "v_click";
        server.track(site.publicKey(), "pageview", id);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            // A click: the page being left says exit, the next page says pageview, in either order.
            assertThat(server.trackOnPage(site.publicKey(), "exit", id).status()).isEqualTo(200);
            server.track(site.publicKey(), "pageview", id);
            JsonObject next = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
            assertThat(next.getInteger("pageViews")).isEqualTo(2);
            dash.assertQuiet(TestServer.EXIT_GRACE.toMillis() + 700);
        }
    }

    @Test
    void videoAnswersChangeTheStatus() {
        String id = "v_video";
        server.track(site.publicKey(), "pageview", id);
        assertThat(server.invite(site.secretKey(), id, "https://meet.example.com/room/1").status()).isEqualTo(200);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            assertThat(visitor(dash.next("INITIAL_VISITORS"), id).getString("status")).isEqualTo("video_invited");
            server.track(site.publicKey(), "video_accepted", id);
            assertThat(dash.next("VISITOR_UPDATE").getJsonObject("visitor").getString("status")).isEqualTo("in_call");
            server.track(site.publicKey(), "video_declined", id);
            JsonObject declined = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
            assertThat(declined.getString("status")).isEqualTo("active");
            assertThat(declined.getString("videoDeclinedAt")).isNotBlank();
        }
    }

    @Test
    void sendBeaconStyleRequestsAreAccepted() {
        TestServer.Response r = server.post("/track/visitor?apiKey=" + site.publicKey(),
                TestServer.trackBody("exit", "v_beacon"), "Content-Type", "text/plain;charset=UTF-8");
        assertThat(r.status()).isEqualTo(200);
        TestServer.Response bearer = server.post("/track/visitor", TestServer.trackBody("pageview", "v_bearer"),
                "Content-Type", "application/json", "Authorization", "Bearer " + site.publicKey());
        assertThat(bearer.status()).isEqualTo(200);
        // Media types are case-insensitive, in every locale (a Turkish one folds "I" to a dotless "ı").
        TestServer.Response upper = server.post("/track/visitor", TestServer.trackBody("pageview", "v_upper"),
                "Content-Type", "APPLICATION/JSON; CHARSET=UTF-8", "X-Tippen-API-Key", site.publicKey());
        assertThat(upper.status()).isEqualTo(200);
    }

    @Test
    void longStringsAreCappedAndUnknownFieldsIgnored() {
        String longUrl = "https://example.com/" + "a".repeat(5000);
        String body = new JsonObject().put("event", "pageview").put("visitor", new JsonObject()
                .put("visitorId", "v_long").put("url", longUrl).put("extra", new JsonObject().put("deep", 1))).encode();
        assertThat(server.post("/track/visitor", body, "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            JsonObject v = visitor(dash.next("INITIAL_VISITORS"), "v_long");
            assertThat(v.getString("url")).hasSize(2048);
            assertThat(v.containsKey("extra")).isFalse();
        }
    }

    @Test
    void badInputIsA400WithAReason() {
        String key = site.publicKey();
        assertBad("", key, "empty body");
        assertBad("not json", key, "not valid JSON");
        assertBad("[1,2]", key, "JSON object");
        assertBad("{\"event\":\"pageview\"", key, "not valid JSON");
        assertBad("{\"visitor\":{\"visitorId\":\"a\"}}", key, "missing 'event'");
        assertBad("{\"event\":\"click\",\"visitor\":{\"visitorId\":\"a\"}}", key, "unknown event 'click'");
        assertBad("{\"event\":\"pageview\"}", key, "missing 'visitor'");
        assertBad("{\"event\":\"pageview\",\"visitor\":\"a\"}", key, "'visitor' must be an object");
        assertBad("{\"event\":\"pageview\",\"visitor\":{}}", key, "missing 'visitor.visitorId'");
        assertBad("{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"has space\"}}", key, "visitorId");
        assertBad("{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"" + "x".repeat(129) + "\"}}", key, "visitorId");
        assertBad("{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"a\",\"url\":5}}", key, "'visitor.url' must be a string");
        assertBad("{\"event\":7,\"visitor\":{\"visitorId\":\"a\"}}", key, "'event' must be a string");
        assertBad("{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"a\"}} trailing", key, "JSON");
        assertBad("[".repeat(100), key, "JSON object");
    }

    @Test
    void sizeTypeAndMethodAreChecked() {
        String huge = "{\"event\":\"pageview\",\"visitor\":{\"visitorId\":\"a\",\"title\":\"" + "x".repeat(17_000) + "\"}}";
        TestServer.Response big = server.post("/track/visitor", huge, "X-Tippen-API-Key", site.publicKey());
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.error()).contains("16 KiB");
        TestServer.Response xml = server.post("/track/visitor", "<a/>", "X-Tippen-API-Key", site.publicKey(),
                "Content-Type", "application/xml");
        assertThat(xml.status()).isEqualTo(415);
        assertThat(xml.error()).contains("application/json");
        TestServer.Response get = server.get("/track/visitor");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.error()).isEqualTo("method not allowed");
    }

    @Test
    void keysAreCheckedForTheirRole() {
        String body = TestServer.trackBody("pageview", "v_keys");
        TestServer.Response missing = server.post("/track/visitor", body);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.error()).isEqualTo("missing API key");
        TestServer.Response wrong = server.post("/track/visitor", body, "X-Tippen-API-Key", "pk_nope");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("invalid API key");
        TestServer.Response secret = server.post("/track/visitor", body, "X-Tippen-API-Key", site.secretKey());
        assertThat(secret.status()).isEqualTo(403);
        assertThat(secret.error()).contains("public key");
    }

    @Test
    void revokedKeysAreRefused() {
        KeyStore.CreatedSite gone = server.createSite("Gone");
        assertThat(server.track(gone.publicKey(), "pageview", "v1").status()).isEqualTo(200);
        try (KeyStore keys = server.keys()) {
            keys.revoke(gone.site().siteId());
        }
        long deadline = System.currentTimeMillis() + 5000;
        TestServer.Response r;
        do {
            r = server.track(gone.publicKey(), "pageview", "v1");
            TestServer.sleep(100);
        } while (r.status() == 200 && System.currentTimeMillis() < deadline);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.error()).isEqualTo("API key revoked");
    }

    private static void assertBad(String body, String key, String reason) {
        TestServer.Response r = server.post("/track/visitor", body, "X-Tippen-API-Key", key, "Content-Type", "application/json");
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.error()).as(body).contains(reason);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    }

    static JsonObject visitor(JsonObject list, String id) {
        for (Object o : list.getJsonArray("visitors")) {
            JsonObject v = (JsonObject) o;
            if (id.equals(v.getString("visitorId"))) return v;
        }
        throw new AssertionError("no visitor " + id + " in " + list.encode());
    }
}
