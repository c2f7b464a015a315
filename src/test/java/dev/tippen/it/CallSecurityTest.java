package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Who may take part in a call, over real sockets: only the invited visitor's page (its socket carries
 * the visitor's token) gets the call's ticket; a second socket that knows the visitor's id gets neither
 * the ticket nor any of the call's signals; tickets cannot be forged, borrowed by another person or
 * another origin, or used once the call is over; a visitor in a call and an agent on one get no second.
 */
class CallSecurityTest {

    @Test
    void onlyTheInvitedPageJoinsAndOnlyTheCallsPartiesHearIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Calls");
            String pk = site.publicKey();
            TestServer.Response tracked = server.track(pk, "pageview", "v_call");
            assertThat(tracked.status()).isEqualTo(200);
            String token = tracked.json().getString("visitorToken");
            String origin = server.base.toString();
            try (TestServer.Socket page = server.socket("/ws/visitor?apiKey=" + pk + "&visitorId=v_call&token=" + token);
                 TestServer.Socket stranger = server.visitor(pk, "v_call")) {
                page.next("CONNECTED");
                stranger.next("CONNECTED");

                // An invite with no guest URL is a call here: the sender gets its ticket.
                TestServer.Response sent = server.post("/api/send-video-invite", new JsonObject().put("visitorId", "v_call").encode(),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.secretKey());
                assertThat(sent.status()).as(sent.body()).isEqualTo(200);
                JsonObject call = sent.json().getJsonObject("call");
                String callId = call.getString("callId");
                assertThat(page.next("VIDEO_INVITE").getString("callId")).isEqualTo(callId);
                stranger.assertNone("VIDEO_INVITE", 300);

                // The socket without the visitor's token asks for the ticket and gets an error, nothing else.
                stranger.send(new JsonObject().put("type", "CALL_JOIN").put("callId", callId).encode());
                assertThat(stranger.next("ERROR").getString("error")).contains("token");
                stranger.assertNone("CALL_TOKEN", 300);

                // Forged or borrowed tickets open nothing.
                assertThat(server.refusedUpgrade("/ws/call?ticket=forged.ticket", "Origin", origin)).isEqualTo(403);
                String agentTicket = call.getString("ticket");
                String tampered = agentTicket.substring(0, agentTicket.length() - 2) + (agentTicket.endsWith("A") ? "BB" : "AA");
                assertThat(server.refusedUpgrade("/ws/call?ticket=" + tampered, "Origin", origin)).isEqualTo(403);
                assertThat(server.refusedUpgrade("/ws/call?ticket=" + agentTicket, "Origin", origin))
                        .as("the agent's ticket without the agent's own key or session").isEqualTo(401);
                KeyStore.CreatedSite other = server.createSite("Other");
                assertThat(server.refusedUpgrade("/ws/call?ticket=" + agentTicket, "X-Tippen-API-Key", other.secretKey()))
                        .as("another site's key").isEqualTo(403);

                // The invited page joins: its socket alone gets the visitor's ticket.
                page.send(new JsonObject().put("type", "CALL_JOIN").put("callId", callId).encode());
                String visitorTicket = page.next("CALL_TOKEN").getString("token");
                stranger.assertNone("CALL_TOKEN", 200);
                assertThat(server.refusedUpgrade("/ws/call?ticket=" + visitorTicket, "Origin", "https://evil.example"))
                        .as("the visitor's ticket from a page that is not this server's call page").isEqualTo(403);

                // A visitor in a call gets no other invite.
                TestServer.Response again = server.post("/api/send-video-invite", new JsonObject().put("visitorId", "v_call").encode(),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.secretKey());
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.error()).contains("in a call");

                try (TestServer.Socket agent = TestServer.connect("ws://127.0.0.1:" + server.app.port() + "/ws/call?ticket=" + agentTicket,
                        "X-Tippen-API-Key", site.secretKey());
                     TestServer.Socket visitor = TestServer.connect("ws://127.0.0.1:" + server.app.port() + "/ws/call?ticket=" + visitorTicket,
                             "Origin", origin)) {
                    JsonObject config = visitor.next("CALL_CONFIG");
                    assertThat(config.getBoolean("polite")).isTrue();
                    assertThat(config.getString("iceTransportPolicy")).isEqualTo("all");
                    assertThat(agent.next("CALL_CONFIG").getBoolean("polite")).isFalse();
                    assertThat(agent.next("PEER").getBoolean("present")).isTrue();
                    assertThat(visitor.next("PEER").getBoolean("present")).isTrue();

                    // An offer reaches the visitor's call page, and no visitor socket at all.
                    JsonObject offer = new JsonObject().put("description", new JsonObject().put("type", "offer").put("sdp", "v=0"));
                    agent.send(new JsonObject().put("type", "SIGNAL").put("data", offer).encode());
                    assertThat(visitor.next("SIGNAL").getJsonObject("data")).isEqualTo(offer);
                    stranger.assertQuiet(300);
                    page.assertNone("SIGNAL", 100);

                    // Nonsense is refused with a reason, not relayed.
                    agent.send("{\"type\":\"SIGNAL\",\"data\":\"not an object\"}");
                    assertThat(agent.next("ERROR").getString("error")).contains("data");
                    agent.send("[1,2]");
                    assertThat(agent.next("ERROR").getString("error")).contains("JSON object");
                    visitor.assertNone("SIGNAL", 200);

                    agent.send("{\"type\":\"HANG_UP\"}");
                    assertThat(agent.next("CALL_ENDED").getString("reason")).isEqualTo("agent_hung_up");
                    assertThat(visitor.next("CALL_ENDED").getString("reason")).isEqualTo("agent_hung_up");
                }
                // Over: the tickets open nothing more.
                try (TestServer.Socket late = TestServer.connect("ws://127.0.0.1:" + server.app.port() + "/ws/call?ticket=" + visitorTicket,
                        "Origin", origin)) {
                    assertThat(late.next("CALL_ENDED").getString("reason")).isEqualTo("agent_hung_up");
                    late.awaitClose();
                }
            }
        }
    }

    @Test
    void aPartyWhosePageGoesAndStaysAwayLosesTheCall() throws Exception {
        try (TestServer server = TestServer.start(c -> c.with(b -> b.exitGrace = java.time.Duration.ofSeconds(60)))) {
            KeyStore.CreatedSite site = server.createSite("Lost");
            String token = server.track(site.publicKey(), "pageview", "v_gone").json().getString("visitorToken");
            String origin = server.base.toString();
            String ws = "ws://127.0.0.1:" + server.app.port();
            try (TestServer.Socket page = server.socket("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=v_gone&token=" + token)) {
                page.next("CONNECTED");
                JsonObject call = server.post("/api/send-video-invite", new JsonObject().put("visitorId", "v_gone").encode(),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.secretKey()).json().getJsonObject("call");
                page.send(new JsonObject().put("type", "CALL_JOIN").put("callId", call.getString("callId")).encode());
                String visitorTicket = page.next("CALL_TOKEN").getString("token");
                try (TestServer.Socket agent = TestServer.connect(ws + "/ws/call?ticket=" + call.getString("ticket"),
                        "X-Tippen-API-Key", site.secretKey())) {
                    agent.next("CALL_CONFIG");
                    TestServer.Socket visitor = TestServer.connect(ws + "/ws/call?ticket=" + visitorTicket, "Origin", origin);
                    visitor.next("CALL_CONFIG");
                    assertThat(agent.next("PEER").getBoolean("present")).isTrue();
                    // The call page goes (its visitor's own page stays, so the visit goes on).
                    visitor.close();
                    assertThat(agent.next("PEER").getBoolean("present")).isFalse();
                    long gone = System.nanoTime();
                    JsonObject ended = null;
                    while (ended == null && System.nanoTime() - gone < 20_000_000_000L) {
                        JsonObject m = agent.messages.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                        if (m != null && "CALL_ENDED".equals(m.getString("type"))) ended = m;
                    }
                    assertThat(ended).as("CALL_ENDED within 20 s").isNotNull();
                    double seconds = (System.nanoTime() - gone) / 1e9;
                    assertThat(ended.getString("reason")).as("never connected, so failed rather than lost").isEqualTo("failed");
                    assertThat(seconds).isBetween(9.0, 15.0);
                }
            }
        }
    }

    @Test
    void theCallPageKeepsToItself() {
        try (TestServer server = TestServer.start()) {
            TestServer.Response page = server.get("/call/inv_abc");
            assertThat(page.status()).isEqualTo(200);
            String csp = page.headers().firstValue("content-security-policy").orElseThrow();
            assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self'")
                    .contains("object-src 'none'").contains("frame-ancestors").doesNotContain("unsafe");
            assertThat(page.headers().firstValue("permissions-policy").orElseThrow()).contains("camera=(self)").contains("microphone=(self)");
            assertThat(page.headers().firstValue("referrer-policy").orElseThrow()).isEqualTo("no-referrer");
            assertThat(page.body()).doesNotContain("<script>").contains("/call/static/visitor.js");
            assertThat(server.get("/call/not%20an%20id").status()).isEqualTo(404);
        }
    }

    @Test
    void anAgentHasOneCallAtATime() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Lines");
            TeamTest.Person ann = TeamTest.join(server, TeamTest.ownerLink(server, site.site().siteId(), "ann@example.com"), "Ann",
                    TeamTest.PASSWORD);
            for (String v : new String[] {"v_one", "v_two"}) assertThat(server.track(site.publicKey(), "pageview", v).status()).isEqualTo(200);
            TestServer.Response first = ann.call("POST", "/api/send-video-invite", new JsonObject().put("visitorId", "v_one").encode());
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            TestServer.Response second = ann.call("POST", "/api/send-video-invite", new JsonObject().put("visitorId", "v_two").encode());
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.error()).contains("another call");
            // A meeting elsewhere is not a call here: it still goes.
            assertThat(ann.call("POST", "/api/send-video-invite", new JsonObject().put("visitorId", "v_two")
                    .put("guestUrl", "https://meet.example.com/r").encode()).status()).isEqualTo(200);
            // Ann takes her call back after a reload; the site's key, which did not place it, cannot.
            String firstId = first.json().getJsonObject("call").getString("callId");
            TestServer.Response back = ann.call("POST", "/api/calls/" + firstId + "/ticket", new JsonObject().put("visitorId", "v_one").encode());
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().getString("ticket")).isNotBlank();
            TestServer.Response notYours = server.request("POST", "/api/calls/" + firstId + "/ticket",
                    new JsonObject().put("visitorId", "v_one").encode(), "X-Tippen-API-Key", site.secretKey(), "Content-Type", "application/json");
            assertThat(notYours.status()).isEqualTo(403);
            assertThat(notYours.error()).contains("Ann");
            assertThat(ann.call("POST", "/api/calls/" + firstId + "/ticket", new JsonObject().put("visitorId", "v_two").encode()).status())
                    .as("not that visitor's call").isEqualTo(404);
            // Hanging up frees the line.
            try (TestServer.Socket agent = TestServer.connect("ws://127.0.0.1:" + server.app.port() + "/ws/call?ticket="
                    + first.json().getJsonObject("call").getString("ticket"), "Cookie", "tippen_session=" + ann.cookie(), "Origin",
                    server.base.toString())) {
                agent.next("CALL_CONFIG");
                agent.send("{\"type\":\"HANG_UP\"}");
                assertThat(agent.next("CALL_ENDED").getString("reason")).isEqualTo("cancelled");
            }
            TestServer.Response third = ann.call("POST", "/api/send-video-invite", new JsonObject().put("visitorId", "v_one").encode());
            assertThat(third.status()).as(third.body()).isEqualTo(200);
        }
    }
}
