package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.Cidr;
import dev.tippen.config.TippenConfig;
import dev.tippen.config.WebhookOptions;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks from a real server to a real receiver on loopback: every event, signed and verified by a
 * check written from the specification alone; filters; retries under one webhook-id; Retry-After;
 * 410 and Slack's 404 disabling; Slack's grouped Block Kit; replay and rotation; the SSRF refusals.
 */
class WebhookTest {
    static final String CHROME = EnrichmentTest.CHROME;
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path ipData;

    /** Local receivers allowed; retries a second apart; Acme (81.2.69.0/24, DE) and Comcast known offline. */
    UnaryOperator<TippenConfig> local() throws Exception {
        Files.writeString(ipData.resolve("asn-ipv4.csv"), """
                81.2.69.0,81.2.69.255,64500,Acme Widgets GmbH
                73.0.0.0,73.255.255.255,7922,"Comcast Cable Communications, LLC"
                """);
        Files.writeString(ipData.resolve("geo-whois-asn-country-ipv4.csv"), """
                81.2.69.0,81.2.69.255,DE
                73.0.0.0,73.255.255.255,US
                """);
        return c -> {
            EnrichSettings e = c.enrich().withIpData(IpDataFiles.directory(ipData));
            return c.withEnrich(e).withTrustedProxies(List.of(Cidr.parse("127.0.0.0/8")))
                    .withTimes(Duration.ofMinutes(30), Duration.ofMillis(200), Duration.ofSeconds(2))
                    .with(b -> {
                        b.webhooks = WebhookOptions.defaults().allowingLocal()
                                .withRetries(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)));
                        b.publicUrl = "https://tippen.example.com";
                    });
        };
    }

    static TestServer.Response api(TestServer s, String secret, String method, String path, Object body) {
        String text = body == null ? null : body.toString();
        return text == null ? s.request(method, path, null, "Authorization", "Bearer " + secret)
                : s.request(method, path, text, "Authorization", "Bearer " + secret, "Content-Type", "application/json");
    }

    static JsonObject create(TestServer s, String secret, JsonObject body) {
        TestServer.Response r = api(s, secret, "POST", "/api/webhooks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    static void track(TestServer s, KeyStore.CreatedSite site, String event, String id, String url, String ip, String ua) {
        JsonObject body = new JsonObject().put("event", event).put("website", "example.com").put("visitor",
                new JsonObject().put("visitorId", id).put("url", url).put("title", "Pricing <!channel>").put("userAgent", ua)
                        .put("referrer", "https://www.linkedin.com/"));
        TestServer.Response r = s.post("/track/visitor", body.encode(), "Content-Type", "application/json",
                "X-Tippen-API-Key", site.publicKey(), "X-Forwarded-For", ip);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static JsonArray deliveries(TestServer s, String secret, String endpointId) {
        return api(s, secret, "GET", "/api/webhooks/" + endpointId + "/deliveries", null).json().getJsonArray("deliveries");
    }

    @Test
    void aVisitEndsAfterTheGapWithoutFurtherEventsAndItsWebhookFollows() throws Exception {
        UnaryOperator<TippenConfig> gap = local().andThen(c -> c.with(b -> b.visitGap = Duration.ofSeconds(2)))::apply;
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer server = TestServer.start(gap)) {
            KeyStore.CreatedSite site = server.createSite("Gap");
            create(server, site.secretKey(), new JsonObject().put("url", rx.url("/ended")).put("events", new JsonArray().add("visit.ended")));
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                track(server, site, "pageview", "quiet1", "https://example.com/pricing", "81.2.69.77", CHROME);
                track(server, site, "heartbeat", "quiet1", "https://example.com/pricing", "81.2.69.77", CHROME);
                // Nothing more: the TTL is 30 minutes, so what ends the visit here is the 2 s gap.
                JsonObject removed = dash.next("VISITOR_REMOVED");
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("quiet1");
                assertThat(removed.getString("reason")).isEqualTo("inactive");
            }
            rx.await("/ended", 1, WAIT);
            JsonObject visit = rx.ofType("/ended", "visit.ended").get(0).json().getJsonObject("data").getJsonObject("visit");
            assertThat(visit.getString("visitorId")).isEqualTo("quiet1");
            assertThat(visit.getString("endReason")).isEqualTo("inactive");
            JsonObject recorded = HistoryApiTest.visitsOf(server, site.secretKey(), "quiet1").getJsonObject(0);
            assertThat(recorded.getString("endedAt")).isEqualTo(visit.getString("endedAt")).isNotNull();
        }
    }

    @Test
    void everyEventArrivesSignedAndEachEndpointsFilterHolds() throws Exception {
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer server = TestServer.start(local())) {
            KeyStore.CreatedSite site = server.createSite("Hooks");
            JsonObject all = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/all")).put("description", "everything"));
            assertThat(all.getString("secret")).startsWith("whsec_");
            JsonObject german = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/de"))
                    .put("events", new JsonArray().add("visitor.arrived").add("visit.ended"))
                    .put("filter", new JsonObject().put("countries", new JsonArray().add("de")).put("urlPrefixes", new JsonArray().add("/pricing"))));
            // The list never shows a secret again.
            JsonArray listed = api(server, site.secretKey(), "GET", "/api/webhooks", null).json().getJsonArray("webhooks");
            assertThat(listed).hasSize(2);
            assertThat(listed.encode()).doesNotContain("whsec_");

            String pricing = "https://example.com/pricing";
            track(server, site, "pageview", "acme1", pricing, "81.2.69.77", CHROME);
            track(server, site, "heartbeat", "acme1", pricing, "81.2.69.77", CHROME);
            track(server, site, "pageview", "acme1", "https://example.com/contact", "81.2.69.77", CHROME);
            track(server, site, "pageview", "home1", "https://example.com/", "73.22.100.5", CHROME);
            track(server, site, "pageview", "bot1", pricing, "81.2.69.8", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
            // Invites: one declined, one replaced by a newer one (expired), the newer accepted.
            assertThat(server.invite(site.secretKey(), "acme1", "https://meet.example.com/a").status()).isEqualTo(200);
            track(server, site, "video_declined", "acme1", pricing, "81.2.69.77", CHROME);
            assertThat(server.invite(site.secretKey(), "acme1", "https://meet.example.com/b").status()).isEqualTo(200);
            assertThat(server.invite(site.secretKey(), "acme1", "https://meet.example.com/c").status()).isEqualTo(200);
            track(server, site, "video_accepted", "acme1", pricing, "81.2.69.77", CHROME);
            track(server, site, "exit", "acme1", "https://example.com/contact", "81.2.69.77", CHROME);
            rx.await("/all", 1, WAIT);
            TestServer.eventually("the first visit ended", WAIT, () -> !rx.ofType("/all", "visit.ended").isEmpty());
            // Back again: a returning visitor.
            track(server, site, "pageview", "acme1", pricing, "81.2.69.77", CHROME);
            // The return is two messages (visitor.arrived, visitor.returned), each its own delivery: wait for both.
            TestServer.eventually("the return was told", WAIT, () -> !rx.ofType("/all", "visitor.returned").isEmpty()
                    && rx.ofType("/all", "visitor.arrived").size() >= 3);

            StandardWebhooksVerifier allCheck = new StandardWebhooksVerifier(all.getString("secret"));
            StandardWebhooksVerifier deCheck = new StandardWebhooksVerifier(german.getString("secret"));
            Set<String> ids = new HashSet<>();
            for (Receiver.Request r : rx.at("/all")) {
                assertThat(allCheck.verify(r)).as("signature of " + r.body()).isTrue();
                assertThat(deCheck.verify(r)).as("another endpoint's secret does not verify it").isFalse();
                assertThat(ids.add(r.header("webhook-id"))).as("webhook-id is unique per message").isTrue();
                assertThat(r.header("content-type")).startsWith("application/json");
                JsonObject p = r.json();
                assertThat(p.fieldNames()).containsExactlyInAnyOrder("type", "timestamp", "data");
                assertThat(p.getJsonObject("data").getJsonObject("visit").getBoolean("bot")).as("bots are skipped").isFalse();
            }
            for (String type : List.of("visitor.arrived", "company.arrived", "visitor.returned", "invite.sent", "invite.declined",
                    "invite.expired", "invite.accepted", "visit.ended")) {
                assertThat(rx.ofType("/all", type)).as(type).isNotEmpty();
            }
            // visitor.arrived once per visit: acme1 twice (two visits), home1 once; heartbeats and later pages tell nothing.
            assertThat(rx.ofType("/all", "visitor.arrived").stream().map(r -> r.json().getJsonObject("data").getJsonObject("visit")
                    .getString("visitorId")).sorted().toList()).containsExactly("acme1", "acme1", "home1");
            JsonObject company = rx.ofType("/all", "company.arrived").get(0).json().getJsonObject("data");
            assertThat(company.getJsonObject("company").getString("name")).isEqualTo("Acme Widgets GmbH");
            assertThat(rx.ofType("/all", "company.arrived")).as("once a day").hasSize(1);
            assertThat(rx.ofType("/all", "invite.sent")).hasSize(3);
            JsonObject ended = rx.ofType("/all", "visit.ended").get(0).json().getJsonObject("data");
            assertThat(ended.getJsonObject("visit").getInteger("pageViews")).isEqualTo(2);
            assertThat(ended.getJsonObject("visit").getJsonArray("invites")).hasSize(3);
            assertThat(ended.getString("consoleUrl")).isEqualTo("https://tippen.example.com/console?visitor=acme1");
            JsonObject returned = rx.ofType("/all", "visitor.returned").get(0).json().getJsonObject("data");
            assertThat(returned.getJsonObject("visit").getInteger("visitNumber")).isEqualTo(2);

            // The filtered endpoint: German visitors on /pricing, and only the two events it asked for.
            TestServer.eventually("the filtered endpoint heard the end too", WAIT, () -> !rx.ofType("/de", "visit.ended").isEmpty());
            for (Receiver.Request r : rx.at("/de")) {
                assertThat(deCheck.verify(r)).isTrue();
                JsonObject p = r.json();
                assertThat(p.getString("type")).isIn("visitor.arrived", "visit.ended");
                assertThat(p.getJsonObject("data").getJsonObject("visit").getString("visitorId")).isEqualTo("acme1");
            }
            // The deliveries log shows each attempt. The receiver may have the request a moment before
            // the sender records the answer, so the log is read once every delivery is settled.
            JsonArray log = TestServer.eventually("every delivery recorded as delivered", WAIT,
                    () -> deliveries(server, site.secretKey(), all.getString("id")),
                    l -> l.stream().allMatch(x -> "delivered".equals(((JsonObject) x).getString("state"))));
            JsonObject d = log.getJsonObject(0);
            assertThat(d.getJsonArray("attempts").getJsonObject(0).getInteger("status")).isEqualTo(200);
            assertThat(d.getJsonArray("attempts").getJsonObject(0).getString("response")).isEqualTo("ok");
        }
    }

    @Test
    void failuresAreRetriedUnderOneWebhookIdAndRetryAfterIsHonoured() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (Receiver rx = new Receiver(r -> calls.incrementAndGet() <= 2 ? Receiver.Reply.status(500, "busy") : Receiver.Reply.ok());
             TestServer server = TestServer.start(local())) {
            KeyStore.CreatedSite site = server.createSite("Retries");
            JsonObject ep = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/r")));
            TestServer.Response test = api(server, site.secretKey(), "POST", "/api/webhooks/" + ep.getString("id") + "/test", null);
            assertThat(test.status()).isEqualTo(202);
            List<Receiver.Request> got = rx.await("/r", 3, WAIT);
            assertThat(got).hasSize(3);
            assertThat(got.stream().map(r -> r.header("webhook-id")).distinct().toList()).containsExactly(test.json().getString("webhookId"));
            StandardWebhooksVerifier check = new StandardWebhooksVerifier(ep.getString("secret"));
            for (Receiver.Request r : got) assertThat(check.verify(r)).isTrue();
            JsonObject d = TestServer.eventually("delivered on the third attempt", WAIT,
                    () -> deliveries(server, site.secretKey(), ep.getString("id")).getJsonObject(0), x -> "delivered".equals(x.getString("state")));
            assertThat(d.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getInteger("status")).toList()).containsExactly(500, 500, 200);
            assertThat(d.getJsonArray("attempts").getJsonObject(0).getString("response")).isEqualTo("busy");

            // 429 with Retry-After: 3 is waited out, though the schedule says one second.
            rx.requests.clear();
            AtomicInteger limited = new AtomicInteger();
            rx.answer(r -> limited.incrementAndGet() == 1 ? new Receiver.Reply(429, "slow down", Map.of("Retry-After", "3")) : Receiver.Reply.ok());
            api(server, site.secretKey(), "POST", "/api/webhooks/" + ep.getString("id") + "/test", null);
            List<Receiver.Request> two = rx.await("/r", 2, WAIT);
            assertThat(two.get(1).at() - two.get(0).at()).isGreaterThanOrEqualTo(2_900);

            // A redirect is not followed and counts as a failure.
            rx.requests.clear();
            AtomicInteger redirected = new AtomicInteger();
            rx.answer(r -> r.path().equals("/elsewhere") ? Receiver.Reply.ok()
                    : redirected.incrementAndGet() == 1 ? new Receiver.Reply(302, "", Map.of("Location", rx.url("/elsewhere"))) : Receiver.Reply.ok());
            api(server, site.secretKey(), "POST", "/api/webhooks/" + ep.getString("id") + "/test", null);
            rx.await("/r", 2, WAIT);
            assertThat(rx.at("/elsewhere")).isEmpty();
            JsonObject first = deliveries(server, site.secretKey(), ep.getString("id")).getJsonObject(0).getJsonArray("attempts").getJsonObject(0);
            assertThat(first.getInteger("status")).isEqualTo(302);
            assertThat(first.getString("error")).contains("not followed");
        }
    }

    @Test
    void goneDisablesAnEndpointAndSlackGetsGroupedBlockKit() throws Exception {
        try (Receiver rx = new Receiver(r -> r.path().equals("/gone") ? Receiver.Reply.status(410, "gone")
                : r.path().equals("/archived") ? Receiver.Reply.status(410, "channel_is_archived") : Receiver.Reply.ok());
             TestServer server = TestServer.start(local())) {
            KeyStore.CreatedSite site = server.createSite("Slack");
            JsonObject gone = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/gone")));
            api(server, site.secretKey(), "POST", "/api/webhooks/" + gone.getString("id") + "/test", null);
            JsonObject disabled = TestServer.eventually("410 disabled it", WAIT,
                    () -> api(server, site.secretKey(), "GET", "/api/webhooks/" + gone.getString("id"), null).json(), e -> !e.getBoolean("enabled"));
            assertThat(disabled.getString("disabledReason")).contains("410");
            assertThat(api(server, site.secretKey(), "POST", "/api/webhooks/" + gone.getString("id") + "/test", null).status()).isEqualTo(409);
            api(server, site.secretKey(), "DELETE", "/api/webhooks/" + gone.getString("id"), null);

            JsonObject slack = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/slack")).put("kind", "slack")
                    .put("events", new JsonArray().add("visitor.arrived")));
            for (int i = 0; i < 8; i++) track(server, site, "pageview", "s" + i, "https://example.com/pricing", "81.2.69." + (10 + i), CHROME);
            int[] told = new int[1];
            TestServer.eventually("all 8 arrivals told in Slack", WAIT, () -> {
                told[0] = 0;
                for (Receiver.Request r : rx.at("/slack")) {
                    String text = r.json().getString("text");
                    told[0] += text.endsWith("is on your site") ? 1 : Integer.parseInt(text.split(" ")[0]);
                }
                return told[0] == 8;
            });
            List<Receiver.Request> messages = rx.at("/slack");
            assertThat(messages.size()).as("a burst is grouped, not sent one by one").isLessThan(8);
            for (Receiver.Request m : messages) {
                JsonObject msg = m.json();
                assertThat(m.header("webhook-signature")).isNull();
                JsonArray blocks = msg.getJsonArray("blocks");
                assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("header");
                assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("type")).isEqualTo("plain_text");
                assertThat(m.body()).contains("*Company*\\nAcme Widgets GmbH").contains("*Location*\\nGermany")
                        .contains("*Referrer*\\nhttps://www.linkedin.com/").contains("https://example.com/pricing")
                        .contains("\"url\":\"https://tippen.example.com/console?visitor=s");
                assertThat(m.body()).doesNotContain("<!channel>");
            }
            // Slack's channel archived: the endpoint turns itself off.
            JsonObject archived = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/archived")).put("kind", "slack"));
            api(server, site.secretKey(), "POST", "/api/webhooks/" + archived.getString("id") + "/test", null);
            JsonObject off = TestServer.eventually("channel_is_archived disabled it", WAIT,
                    () -> api(server, site.secretKey(), "GET", "/api/webhooks/" + archived.getString("id"), null).json(), e -> !e.getBoolean("enabled"));
            assertThat(off.getString("disabledReason")).contains("channel_is_archived");
            // Enabled again by hand, with a clean slate.
            TestServer.Response on = api(server, site.secretKey(), "PATCH", "/api/webhooks/" + archived.getString("id"),
                    new JsonObject().put("enabled", true));
            assertThat(on.json().getBoolean("enabled")).isTrue();
            assertThat(on.json().getValue("disabledReason")).isNull();
            assertThat(slack.getString("kind")).isEqualTo("slack");
        }
    }

    @Test
    void replayResendsUnderTheSameIdAndARotatedSecretSignsBesideTheOld() throws Exception {
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer server = TestServer.start(local())) {
            KeyStore.CreatedSite site = server.createSite("Rotate");
            JsonObject ep = create(server, site.secretKey(), new JsonObject().put("url", rx.url("/x")));
            String id = ep.getString("id");
            String deliveryId = api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/test", null).json().getString("deliveryId");
            Receiver.Request first = rx.await("/x", 1, WAIT).get(0);
            TestServer.eventually("delivered", WAIT, () -> "delivered".equals(deliveries(server, site.secretKey(), id).getJsonObject(0).getString("state")));
            TestServer.Response replay = api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/deliveries/" + deliveryId + "/replay", null);
            assertThat(replay.status()).as(replay.body()).isEqualTo(202);
            Receiver.Request again = rx.await("/x", 2, WAIT).get(1);
            assertThat(again.header("webhook-id")).isEqualTo(first.header("webhook-id"));
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/deliveries/dlv_nothing/replay", null).status()).isEqualTo(404);

            JsonObject rotated = api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/rotate-secret", null).json();
            String newSecret = rotated.getString("secret");
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(ep.getString("secret"));
            assertThat(rotated.getString("previousSecretValidUntil")).isNotNull();
            api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/test", null);
            Receiver.Request signedTwice = rx.await("/x", 3, WAIT).get(2);
            assertThat(signedTwice.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(new StandardWebhooksVerifier(newSecret).verify(signedTwice)).isTrue();
            assertThat(new StandardWebhooksVerifier(ep.getString("secret")).verify(signedTwice)).isTrue();
        }
    }

    @Test
    void unsafeTargetsAndBadRequestsAreRefusedWithAClearError() throws Exception {
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok());
             TestServer server = TestServer.start(c -> c.with(b -> b.webhooks = WebhookOptions.defaults()))) {
            KeyStore.CreatedSite site = server.createSite("Refusals");
            Map<String, String> refused = Map.of(
                    "http://example.com/hook", "https",
                    "https://127.0.0.1/hook", "loopback",
                    "https://localhost/hook", "loopback",
                    "https://10.1.2.3/hook", "private",
                    "https://169.254.169.254/latest/meta-data", "link-local",
                    "https://[::1]/hook", "loopback",
                    "https://[::ffff:192.168.0.1]/hook", "private",
                    "https://user:pw@example.com/hook", "password",
                    "ftp://example.com/x", "https",
                    "https://no-such-host.invalid/hook", "does not resolve");
            refused.forEach((url, why) -> {
                TestServer.Response r = api(server, site.secretKey(), "POST", "/api/webhooks", new JsonObject().put("url", url));
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.error()).as(url).contains(why);
            });
            Map<String, String> bad = Map.of(
                    "{", "JSON",
                    "[]", "object",
                    "{\"url\":\"https://example.com/\",\"kind\":\"email\"}", "'kind'",
                    "{\"url\":\"https://example.com/\",\"events\":[\"visitor.teleported\"]}", "'events'",
                    "{\"url\":\"https://example.com/\",\"events\":[]}", "'events'",
                    "{\"url\":\"https://example.com/\",\"filter\":{\"countries\":[\"Germany\"]}}", "'filter.countries'",
                    "{\"url\":\"https://example.com/\",\"filter\":{\"mood\":[]}}", "'filter.mood'",
                    "{\"url\":\"https://example.com/\",\"colour\":\"red\"}", "'colour'");
            bad.forEach((body, named) -> {
                TestServer.Response r = server.request("POST", "/api/webhooks", body, "Authorization", "Bearer " + site.secretKey(),
                        "Content-Type", "application/json");
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.error()).as(body).contains(named);
            });
            assertThat(api(server, site.publicKey(), "GET", "/api/webhooks", null).status()).isEqualTo(403);
            assertThat(server.get("/api/webhooks").status()).isEqualTo(401);
            assertThat(api(server, site.secretKey(), "GET", "/api/webhooks/ep_nothing", null).status()).isEqualTo(404);
            KeyStore.CreatedSite other = server.createSite("Other");
            assertThat(api(server, other.secretKey(), "GET", "/api/webhooks", null).json().getJsonArray("webhooks")).isEmpty();

            // Checked again at every send: an endpoint whose name now points at loopback gets nothing.
            try (var db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("history.db"));
                 var st = db.prepareStatement("INSERT INTO webhook_endpoints (id, site_id, url, kind, events, filter, secret, enabled,"
                         + " paused_until, dropped, created_at, updated_at) VALUES ('ep_rebound', ?, ?, 'standard', '[]',"
                         + " '{\"skipBots\":true}', 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 1, 0, 0, 0, 0)")) {
                st.setString(1, site.site().siteId());
                st.setString(2, "https://localhost:" + rx.port() + "/hook");
                st.executeUpdate();
            }
            assertThat(api(server, site.secretKey(), "POST", "/api/webhooks/ep_rebound/test", null).status()).isEqualTo(202);
            JsonObject attempt = TestServer.eventually("the send was refused", WAIT,
                    () -> deliveries(server, site.secretKey(), "ep_rebound").getJsonObject(0).getJsonArray("attempts"), a -> !a.isEmpty())
                    .getJsonObject(0);
            assertThat(attempt.getString("error")).contains("refused").contains("loopback");
            assertThat(rx.requests).isEmpty();
        }
    }

    @Test
    void aDeliveryPendingWhenTheServerIsKilledArrivesAfterTheRestartUnderTheSameId() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> args = List.of("--webhooks-allow-http", "--webhooks-allow-private", "--webhook-retries",
                String.join(",", java.util.Collections.nCopies(30, "1s")));
        try (DurabilityTest.Child child = new DurabilityTest.Child("Killed", args)) {
            String base = "http://127.0.0.1:" + child.port;
            java.net.http.HttpResponse<String> created = TestServer.HTTP.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(base + "/api/webhooks")).header("Authorization", "Bearer " + child.site.secretKey())
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new JsonObject()
                            .put("url", "http://127.0.0.1:" + port + "/k").put("events", new JsonArray().add("visitor.arrived")).encode()))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = new JsonObject(created.body()).getString("id");
            assertThat(child.pageview("k1", "https://example.com/")).isEqualTo(200);
            // The receiver is down: the first attempts fail.
            java.util.function.Supplier<JsonObject> delivery = () -> {
                try {
                    String body = TestServer.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/webhooks/" + id
                            + "/deliveries")).header("Authorization", "Bearer " + child.site.secretKey()).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                    JsonArray list = new JsonObject(body).getJsonArray("deliveries");
                    return list.isEmpty() ? null : list.getJsonObject(0);
                } catch (Exception e) {
                    return null;
                }
            };
            JsonObject failing = TestServer.eventually("an attempt failed", WAIT, delivery,
                    d -> d != null && !d.getJsonArray("attempts").isEmpty());
            assertThat(failing.getString("state")).isEqualTo("pending");
            assertThat(failing.getJsonArray("attempts").getJsonObject(0).getValue("status")).isNull();

            child.process.destroyForcibly().waitFor();
            try (Receiver rx = new Receiver(port, r -> Receiver.Reply.ok())) {
                child.start();
                Receiver.Request got = rx.await("/k", 1, Duration.ofSeconds(30)).get(0);
                assertThat(got.header("webhook-id")).isEqualTo(failing.getString("webhookId"));
                assertThat(got.json().getString("type")).isEqualTo("visitor.arrived");
                TestServer.eventually("delivered after the restart", WAIT, delivery, d -> d != null && "delivered".equals(d.getString("state")));
            }
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheWebhookAnswers() throws Exception {
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer server = TestServer.start(local())) {
            KeyStore.CreatedSite site = server.createSite("OpenApi hooks");
            String secret = site.secretKey();
            com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.JsonNode doc = m.readTree(server.get("/openapi.json").body());
            TestServer.Response created = api(server, secret, "POST", "/api/webhooks", new JsonObject().put("url", rx.url("/o"))
                    .put("filter", new JsonObject().put("countries", new JsonArray().add("DE"))));
            HistoryApiTest.check(m, doc, "/api/webhooks", "post", 201, created);
            HistoryApiTest.check(m, doc, "/api/webhooks", "post", 400, api(server, secret, "POST", "/api/webhooks", new JsonObject()));
            HistoryApiTest.check(m, doc, "/api/webhooks", "get", 200, api(server, secret, "GET", "/api/webhooks", null));
            HistoryApiTest.check(m, doc, "/api/webhooks", "get", 401, server.get("/api/webhooks"));
            HistoryApiTest.check(m, doc, "/api/webhooks", "get", 403, api(server, site.publicKey(), "GET", "/api/webhooks", null));
            String id = created.json().getString("id");
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}", "get", 200, api(server, secret, "GET", "/api/webhooks/" + id, null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}", "get", 404, api(server, secret, "GET", "/api/webhooks/ep_none", null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}", "patch", 200, api(server, secret, "PATCH", "/api/webhooks/" + id,
                    new JsonObject().put("description", "changed")));
            TestServer.Response queued = api(server, secret, "POST", "/api/webhooks/" + id + "/test", null);
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/test", "post", 202, queued);
            rx.await("/o", 1, WAIT);
            TestServer.eventually("delivered", WAIT, () -> "delivered".equals(deliveries(server, secret, id).getJsonObject(0).getString("state")));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/deliveries", "get", 200,
                    api(server, secret, "GET", "/api/webhooks/" + id + "/deliveries", null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/deliveries", "get", 400,
                    api(server, secret, "GET", "/api/webhooks/" + id + "/deliveries?limit=0", null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/deliveries/{deliveryId}/replay", "post", 202, api(server, secret, "POST",
                    "/api/webhooks/" + id + "/deliveries/" + queued.json().getString("deliveryId") + "/replay", null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/rotate-secret", "post", 200,
                    api(server, secret, "POST", "/api/webhooks/" + id + "/rotate-secret", null));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}", "patch", 200, api(server, secret, "PATCH", "/api/webhooks/" + id,
                    new JsonObject().put("enabled", false)));
            HistoryApiTest.check(m, doc, "/api/webhooks/{id}/test", "post", 409, api(server, secret, "POST", "/api/webhooks/" + id + "/test", null));
            assertThat(api(server, secret, "DELETE", "/api/webhooks/" + id, null).status()).isEqualTo(204);
            assertThat(api(server, secret, "GET", "/api/webhooks/" + id, null).status()).isEqualTo(404);
        }
    }

    @Test
    void aFullQueueDropsTheOldestAndEndlessFailureDisablesTheEndpointWithoutASecretInTheLogs() throws Exception {
        int down;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            down = free.getLocalPort();
        }
        UnaryOperator<TippenConfig> config = local().andThen(c -> c.with(b -> b.webhooks = b.webhooks.withQueueLimit(3)
                .withDisableAfter(Duration.ofSeconds(2))))::apply;
        try (LogCapture logs = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME); TestServer server = TestServer.start(config)) {
            KeyStore.CreatedSite site = server.createSite("Bounded");
            // Nothing listens there: every attempt fails, so deliveries pile up.
            JsonObject ep = create(server, site.secretKey(), new JsonObject().put("url", "http://127.0.0.1:" + down + "/q")
                    .put("events", new JsonArray().add("visitor.arrived")));
            for (int i = 0; i < 10; i++) track(server, site, "pageview", "q" + i, "https://example.com/", "73.1.1." + i, CHROME);
            JsonObject full = TestServer.eventually("seven dropped", WAIT,
                    () -> api(server, site.secretKey(), "GET", "/api/webhooks/" + ep.getString("id"), null).json(), e -> e.getLong("dropped") == 7);
            assertThat(full.getInteger("pending")).isLessThanOrEqualTo(3);
            JsonArray all = deliveries(server, site.secretKey(), ep.getString("id"));
            List<String> dropped = all.stream().map(d -> (JsonObject) d).filter(d -> "dropped".equals(d.getString("state")))
                    .map(d -> d.getString("createdAt")).toList();
            List<String> kept = all.stream().map(d -> (JsonObject) d).filter(d -> !"dropped".equals(d.getString("state")))
                    .map(d -> d.getString("createdAt")).toList();
            assertThat(dropped).hasSize(7);
            assertThat(kept.stream().min(String::compareTo).orElseThrow()).as("the oldest are the ones dropped")
                    .isGreaterThanOrEqualTo(dropped.stream().max(String::compareTo).orElseThrow());
            // Failing for longer than --webhook-disable-after without one success: disabled, and the API says why.
            JsonObject off = TestServer.eventually("disabled after failing", WAIT,
                    () -> api(server, site.secretKey(), "GET", "/api/webhooks/" + ep.getString("id"), null).json(), e -> !e.getBoolean("enabled"));
            assertThat(off.getString("disabledReason")).contains("failing without a success");
            assertThat(off.getString("failingSince")).isNotNull();
            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("tippen_webhook_deliveries_total{result=\"dropped\"} 7.0")
                    .contains("tippen_webhook_queue_depth").contains("tippen_webhook_oldest_pending_seconds");
            String rotated = api(server, site.secretKey(), "POST", "/api/webhooks/" + ep.getString("id") + "/rotate-secret", null)
                    .json().getString("secret");
            assertThat(logs.lines()).isNotEmpty();
            assertThat(logs.lines()).noneMatch(l -> l.contains("whsec_") || l.contains(ep.getString("secret").substring(6, 20))
                    || l.contains(rotated.substring(6, 20)));
        }
    }
}
