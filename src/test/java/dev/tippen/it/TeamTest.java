package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import dev.tippen.team.Invitation;
import dev.tippen.team.Role;
import dev.tippen.team.Team;
import dev.tippen.team.TeamDatabase;
import dev.tippen.team.TeamStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A team over HTTP: the first owner joins by the command line's link, invites an agent and a viewer,
 * each role can do what it may and no more, a removal ends the removed person's session and socket
 * within a second, guessing passwords is slowed for that account only, and the stored hash is Argon2id.
 */
class TeamTest {
    static final String PASSWORD = "correct horse battery";

    /** A person's browser, reduced to its cookie. */
    record Person(TestServer server, String cookie) {
        TestServer.Response call(String method, String path, String body) {
            return server.request(method, path, body, "Cookie", "tippen_session=" + cookie, "Origin", server.base.toString(),
                    "Content-Type", "application/json");
        }
    }

    static String ownerLink(TestServer server, String siteId, String email) {
        try (TeamDatabase db = TeamDatabase.sqlite(server.dataDir)) {
            Team.Link link = Team.makeLink(new TeamStore(db), Invitation.Kind.JOIN, siteId, email, Role.OWNER, "cli", Duration.ofHours(24));
            return link.token();
        }
    }

    static Person join(TestServer server, String token, String name, String password) {
        TestServer.Response r = server.post("/console/join", new JsonObject().put("token", token).put("name", name).put("password", password).encode(),
                "Content-Type", "application/json", "Origin", server.base.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return new Person(server, cookie(r));
    }

    static String cookie(TestServer.Response r) {
        String set = r.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("tippen_session=")).findFirst().orElseThrow();
        assertThat(set).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
        return set.substring("tippen_session=".length(), set.indexOf(';'));
    }

    static TestServer.Response signIn(TestServer server, String email, String password) {
        return server.post("/console/session", new JsonObject().put("email", email).put("password", password).encode(),
                "Content-Type", "application/json", "Origin", server.base.toString());
    }

    static String tokenOf(String url) {
        assertThat(url).contains("/console/join#");
        return url.substring(url.indexOf('#') + 1);
    }

    @Test
    void anOwnerBuildsATeamAndEachRoleDoesWhatItMay() throws Exception {
        try (LogCapture logs = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME); TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Acme");
            String siteId = site.site().siteId();

            // The link says what it is for before anyone types a password.
            String token = ownerLink(server, siteId, "Ann@Example.com");
            JsonObject preview = server.post("/console/join", new JsonObject().put("token", token).encode(), "Content-Type", "application/json",
                    "Origin", server.base.toString()).json();
            assertThat(preview.getString("kind")).isEqualTo("join");
            assertThat(preview.getString("email")).isEqualTo("ann@example.com");
            assertThat(preview.getString("siteName")).isEqualTo("Acme");
            assertThat(preview.getString("role")).isEqualTo("owner");

            TestServer.Response weak = server.post("/console/join", new JsonObject().put("token", token).put("name", "Ann").put("password", "short").encode(),
                    "Content-Type", "application/json", "Origin", server.base.toString());
            assertThat(weak.status()).isEqualTo(400);
            assertThat(weak.error()).contains("at least");

            Person ann = join(server, token, "Ann", PASSWORD);
            // Single use.
            assertThat(server.post("/console/join", new JsonObject().put("token", token).put("name", "Eve").put("password", PASSWORD).encode(),
                    "Content-Type", "application/json", "Origin", server.base.toString()).status()).isEqualTo(410);

            JsonObject me = ann.call("GET", "/console/session", null).json();
            assertThat(me.getJsonObject("user").getString("name")).isEqualTo("Ann");
            assertThat(me.getString("siteId")).isEqualTo(siteId);
            assertThat(me.getString("role")).isEqualTo("owner");

            // Once the site has a team, its secret key no longer opens the console (it still opens the API).
            TestServer.Response byKey = server.post("/console/session", new JsonObject().put("secretKey", site.secretKey()).encode(),
                    "Content-Type", "application/json", "Origin", server.base.toString());
            assertThat(byKey.status()).isEqualTo(403);
            assertThat(byKey.error()).contains("team");
            assertThat(server.request("GET", "/api/visits", null, "X-Tippen-API-Key", site.secretKey()).status()).isEqualTo(200);

            // Ann invites an agent and a viewer.
            TestServer.Response inv = ann.call("POST", "/api/team/invitations", new JsonObject().put("email", "bob@example.com").put("role", "agent").encode());
            assertThat(inv.status()).as(inv.body()).isEqualTo(201);
            assertThat(inv.json().getString("url")).startsWith(server.base.toString().replace("127.0.0.1", "127.0.0.1"));
            assertThat(inv.json().getLong("expiresAt")).isGreaterThan(System.currentTimeMillis() + Duration.ofDays(6).toMillis());
            Person bob = join(server, tokenOf(inv.json().getString("url")), "Bob", PASSWORD);
            String viewerUrl = ann.call("POST", "/api/team/invitations", new JsonObject().put("email", "vic@example.com").put("role", "viewer").encode())
                    .json().getString("url");
            JsonArray open = ann.call("GET", "/api/team", null).json().getJsonArray("invitations");
            assertThat(open).hasSize(1);
            Person vic = join(server, tokenOf(viewerUrl), "Vic", PASSWORD);

            JsonObject team = vic.call("GET", "/api/team", null).json();
            assertThat(team.getJsonArray("members")).hasSize(3);
            assertThat(team.getJsonArray("invitations")).isEmpty();

            // A live visitor to invite.
            assertThat(server.track(site.publicKey(), "pageview", "v_team_1").status()).isEqualTo(200);
            String invite = new JsonObject().put("visitorId", "v_team_1").put("guestUrl", "https://meet.example.com/x").encode();
            TestServer.Response denied = vic.call("POST", "/api/send-video-invite", invite);
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.error()).contains("agent").contains("viewer");
            assertThat(bob.call("POST", "/api/send-video-invite", invite).status()).isEqualTo(200);
            // Who sent it travels with it: the live list, the history, the invites report by agent.
            try (TestServer.Socket live = server.dashboard(site.secretKey())) {
                JsonObject v = (JsonObject) live.next("INITIAL_VISITORS").getJsonArray("visitors").stream()
                        .filter(o -> ((JsonObject) o).getString("visitorId").equals("v_team_1")).findFirst().orElseThrow();
                JsonArray sent = v.getJsonArray("invites");
                assertThat(sent.getJsonObject(sent.size() - 1).getJsonObject("sentBy").getString("name")).isEqualTo("Bob");
            }
            String bobId = userId(ann, "bob@example.com");
            JsonObject sentBy = TestServer.eventually("the history has Bob's invite", Duration.ofSeconds(10),
                    () -> {
                        var visits = vic.call("GET", "/api/visitors/v_team_1", null).json().getJsonArray("visits");
                        if (visits == null || visits.isEmpty()) return null;
                        var invites = visits.getJsonObject(0).getJsonArray("invites");
                        return invites == null || invites.isEmpty() ? null : invites.getJsonObject(0).getJsonObject("sentBy");
                    }, s -> s != null);
            assertThat(sentBy.getString("type")).isEqualTo("user");
            assertThat(sentBy.getString("userId")).isEqualTo(bobId);
            assertThat(sentBy.getString("name")).isEqualTo("Bob");
            assertThat(server.invite(site.secretKey(), "v_team_1", "https://meet.example.com/y").status()).isEqualTo(200);
            JsonArray agents = TestServer.eventually("the report counts both senders", Duration.ofSeconds(10),
                    () -> vic.call("GET", "/api/reports/agents", null).json().getJsonArray("rows"), rows -> rows.size() == 2);
            assertThat(agents.stream().map(o -> ((JsonObject) o).getString("name")).toList()).containsExactlyInAnyOrder("Bob", "API key");
            assertThat(vic.call("GET", "/api/visits", null).status()).isEqualTo(200);
            assertThat(bob.call("GET", "/api/webhooks", null).status()).isEqualTo(403);
            assertThat(bob.call("POST", "/api/team/invitations", new JsonObject().put("email", "x@example.com").put("role", "viewer").encode())
                    .status()).isEqualTo(403);

            // An admin cannot make admins; an owner can.
            assertThat(ann.call("PATCH", "/api/team/members/" + userId(ann, "vic@example.com"), new JsonObject().put("role", "admin").encode())
                    .status()).isEqualTo(200);
            // The role change ended Vic's session: the new role comes with a new sign-in.
            assertThat(vic.call("GET", "/api/visits", null).status()).isEqualTo(401);
            Person vicAdmin = new Person(server, cookie(signIn(server, "vic@example.com", PASSWORD)));
            assertThat(vicAdmin.call("PATCH", "/api/team/members/" + userId(ann, "ann@example.com"), new JsonObject().put("role", "viewer").encode())
                    .status()).isEqualTo(403);
            // The last owner stays.
            assertThat(ann.call("PATCH", "/api/team/members/" + userId(ann, "ann@example.com"), new JsonObject().put("role", "admin").encode())
                    .status()).isEqualTo(409);

            // Removing Bob ends his session and his open dashboard within a second.
            try (TestServer.Socket dash = TestServer.connect(server.base.toString().replace("http", "ws") + "/ws/dashboard",
                    "Cookie", "tippen_session=" + bob.cookie(), "Origin", server.base.toString())) {
                dash.next("INITIAL_VISITORS");
                long t0 = System.nanoTime();
                assertThat(vicAdmin.call("DELETE", "/api/team/members/" + userId(ann, "bob@example.com"), null).status()).isEqualTo(204);
                assertThat(dash.awaitClose()).isEqualTo(1008);
                assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
            }
            assertThat(bob.call("GET", "/api/visits", null).status()).isEqualTo(401);

            // The stored hash is Argon2id at OWASP's parameters, read from the file itself.
            try (var c = DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve("team.db"));
                 ResultSet rs = c.createStatement().executeQuery("SELECT password_hash FROM team_users WHERE email = 'ann@example.com'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
            }

            // The audit log: who did what, newest first, a page at a time, for admins and up.
            assertThat(signIn(server, "ann@example.com", "not her password").status()).isEqualTo(401);
            assertThat(server.request("POST", "/api/visitors/v_team_1", null).status()).isIn(401, 404, 405);
            List<String> actions = TestServer.eventually("the audit log has every kind of entry", Duration.ofSeconds(5), () -> {
                List<String> all = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                String cursor = null;
                do {
                    JsonObject page = ann.call("GET", "/api/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null).json();
                    page.getJsonArray("entries").forEach(o -> all.add(((JsonObject) o).getString("action")));
                    page.getJsonArray("entries").forEach(o -> ids.add(((JsonObject) o).getString("id")));
                    cursor = page.getString("nextCursor");
                } while (cursor != null);
                // Keyset pages neither skip nor repeat an entry.
                assertThat(ids).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
                return all;
            }, a -> a.containsAll(List.of("teammate.joined", "teammate.invited", "sign_in.succeeded", "sign_in.failed", "invite.sent",
                    "teammate.role_changed", "teammate.removed")));
            assertThat(actions).hasSizeGreaterThan(10);
            TestServer.Response csv = ann.call("GET", "/api/audit?format=csv", null);
            assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
            assertThat(csv.body()).startsWith("at,actorType,actorId,actorName,action,target,detail").contains("invite.sent");
            assertThat(csv.body()).doesNotContain(PASSWORD).doesNotContain("bob@example.com");
            assertThat(vicAdmin.call("GET", "/api/audit", null).status()).isEqualTo(200);
            assertThat(server.request("GET", "/api/audit", null, "X-Tippen-API-Key", site.secretKey()).status()).isEqualTo(200);

            // Nothing secret in any log line: passwords, session tokens, link tokens, keys.
            assertThat(logs.lines()).isNotEmpty();
            for (String secret : new String[] {PASSWORD, ann.cookie(), bob.cookie(), vicAdmin.cookie(), token, tokenOf(viewerUrl), site.secretKey()}) {
                assertThat(logs.lines()).noneMatch(l -> l.contains(secret));
            }
        }
    }

    @Test
    void guessingIsSlowedForThatAccountOnly() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Guessed");
            join(server, ownerLink(server, site.site().siteId(), "target@example.com"), "Target", PASSWORD);
            join(server, ownerLink(server, site.site().siteId(), "other@example.com"), "Other", PASSWORD);
            int refused = 0;
            long retryAfter = 0;
            for (int i = 0; i < 20; i++) {
                TestServer.Response r = signIn(server, "target@example.com", "wrong password " + i);
                assertThat(r.status()).isIn(401, 429);
                if (r.status() == 429) {
                    refused++;
                    retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
                }
            }
            assertThat(refused).as("attempts refused without checking the password").isGreaterThanOrEqualTo(14);
            // The right password, too soon, waits like any other.
            assertThat(signIn(server, "target@example.com", PASSWORD).status()).isEqualTo(429);
            // Another account from the same address is not held up.
            assertThat(signIn(server, "other@example.com", PASSWORD).status()).isEqualTo(200);
            TestServer.sleep(retryAfter * 1000 + 100);
            assertThat(signIn(server, "target@example.com", PASSWORD).status()).isEqualTo(200);
            // An unknown e-mail gets the same answer as a wrong password.
            assertThat(signIn(server, "nobody@example.com", PASSWORD).error()).isEqualTo("wrong e-mail or password");
        }
    }

    /** RFC 6238 as an authenticator app computes it, independently of the server's own code. */
    static String appCode(String base32Secret, java.time.Instant at) throws Exception {
        String padded = base32Secret + "=".repeat((8 - base32Secret.length() % 8) % 8);
        javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(org.bouncycastle.util.encoders.Base32.decode(padded), "HmacSHA1");
        int code = new com.eatthepath.otp.TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30), 6).generateOneTimePassword(key, at);
        return String.format(java.util.Locale.ROOT, "%06d", code);
    }

    @Test
    void aSecondFactorIsEnrolledAndAsked() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Two factors");
            Person ann = join(server, ownerLink(server, site.site().siteId(), "ann@example.com"), "Ann", PASSWORD);
            JsonObject setup = ann.call("POST", "/console/totp/setup", null).json();
            String secret = setup.getString("secret");
            assertThat(setup.getString("uri")).startsWith("otpauth://totp/Tippen%3Aann%40example.com?secret=" + secret);
            assertThat(ann.call("POST", "/console/totp/confirm", new JsonObject().put("code", "000000").encode()).status()).isIn(400, 200);
            java.time.Instant now = java.time.Instant.now();
            TestServer.Response confirmed = ann.call("POST", "/console/totp/confirm", new JsonObject().put("code", appCode(secret, now)).encode());
            if (confirmed.status() == 409) throw new AssertionError("000000 happened to be the code; run again");
            assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(200);
            JsonArray recovery = confirmed.json().getJsonArray("recoveryCodes");
            assertThat(recovery).hasSize(10);
            assertThat(ann.call("GET", "/console/session", null).json().getJsonObject("user").getBoolean("totp")).isTrue();

            // The password alone is no longer enough: the answer asks for the code.
            TestServer.Response asked = signIn(server, "ann@example.com", PASSWORD);
            assertThat(asked.status()).isEqualTo(401);
            assertThat(asked.json().getBoolean("codeRequired")).isTrue();
            // The code that turned it on is spent; the next step's code works, once.
            String next = appCode(secret, now.plusSeconds(30));
            TestServer.Response withCode = codeSignIn(server, PASSWORD, next);
            assertThat(withCode.status()).as(withCode.body()).isEqualTo(200);
            assertThat(codeSignIn(server, PASSWORD, next).status()).isEqualTo(401);
            // A wrong password with a right code is still a wrong password.
            assertThat(codeSignIn(server, "not the password", appCode(secret, now.plusSeconds(30))).error()).isEqualTo("wrong e-mail or password");
            // A recovery code works once.
            String rc = recovery.getString(0);
            assertThat(codeSignIn(server, PASSWORD, rc.toUpperCase(java.util.Locale.ROOT)).status()).isEqualTo(200);
            assertThat(codeSignIn(server, PASSWORD, rc).status()).isEqualTo(401);
            // Turning it off takes the password.
            Person again = new Person(server, cookie(codeSignIn(server, PASSWORD, recovery.getString(1))));
            assertThat(again.call("DELETE", "/console/totp", new JsonObject().put("password", "wrong").encode()).status()).isEqualTo(401);
            assertThat(again.call("DELETE", "/console/totp", new JsonObject().put("password", PASSWORD).encode()).status()).isEqualTo(204);
            assertThat(signIn(server, "ann@example.com", PASSWORD).status()).isEqualTo(200);
            // The secret is nowhere in the audit log.
            assertThat(again.call("GET", "/api/audit?format=csv", null).body()).contains("totp.enabled").doesNotContain(secret);
        }
    }

    @Test
    void personalTokensActForTheirPersonWithNoMoreThanTheirRole() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Scripts");
            Person ann = join(server, ownerLink(server, site.site().siteId(), "ann@example.com"), "Ann", PASSWORD);
            String url = ann.call("POST", "/api/team/invitations", new JsonObject().put("email", "bob@example.com").put("role", "agent").encode())
                    .json().getString("url");
            Person bob = join(server, tokenOf(url), "Bob", PASSWORD);
            assertThat(bob.call("POST", "/api/tokens", new JsonObject().put("name", "too high").put("role", "admin").encode()).status()).isEqualTo(403);
            JsonObject made = bob.call("POST", "/api/tokens", new JsonObject().put("name", "nightly export").put("role", "viewer").encode()).json();
            String token = made.getString("token");
            assertThat(token).startsWith("tpt_");
            // Shown once: the list names it but never holds it.
            String listed = bob.call("GET", "/api/tokens", null).body();
            assertThat(listed).contains("nightly export").doesNotContain(token);
            assertThat(server.request("GET", "/api/visits", null, "Authorization", "Bearer " + token).status()).isEqualTo(200);
            assertThat(server.track(site.publicKey(), "pageview", "v_tok").status()).isEqualTo(200);
            TestServer.Response invite = server.request("POST", "/api/send-video-invite",
                    new JsonObject().put("visitorId", "v_tok").put("guestUrl", "https://meet.example.com/t").encode(),
                    "Authorization", "Bearer " + token, "Content-Type", "application/json");
            assertThat(invite.status()).as("a viewer token of an agent").isEqualTo(403);
            assertThat(server.request("POST", "/api/tokens", new JsonObject().put("name", "child").encode(), "Authorization", "Bearer " + token,
                    "Content-Type", "application/json").status()).as("a token cannot make tokens").isEqualTo(403);
            // Revoked: refused, and the socket it opened is closed.
            try (TestServer.Socket dash = server.socket("/ws/dashboard?apiKey=" + token)) {
                dash.next("INITIAL_VISITORS");
                assertThat(bob.call("DELETE", "/api/tokens/" + made.getString("tokenId"), null).status()).isEqualTo(204);
                assertThat(dash.awaitClose()).isEqualTo(1008);
            }
            assertThat(server.request("GET", "/api/visits", null, "Authorization", "Bearer " + token).status()).isEqualTo(401);
            // A token stops with its person's place on the site.
            String second = bob.call("POST", "/api/tokens", new JsonObject().put("name", "second").encode()).json().getString("token");
            assertThat(server.request("GET", "/api/visits", null, "Authorization", "Bearer " + second).status()).isEqualTo(200);
            assertThat(ann.call("DELETE", "/api/team/members/" + userId(ann, "bob@example.com"), null).status()).isEqualTo(204);
            assertThat(server.request("GET", "/api/visits", null, "Authorization", "Bearer " + second).status()).isEqualTo(401);
            assertThat(ann.call("GET", "/api/audit", null).body()).contains("token.created").contains("token.revoked");
        }
    }

    @Test
    void joinLinksAreEmailedWhenSmtpIsConfigured() throws Exception {
        try (SmtpSink smtp = new SmtpSink(); TestServer server = TestServer.start(c -> c.with(b -> b.mail =
                new dev.tippen.config.TippenConfig.MailOptions("smtp://127.0.0.1:" + smtp.port(), "tippen@example.com")))) {
            KeyStore.CreatedSite site = server.createSite("Mailed");
            Person ann = join(server, ownerLink(server, site.site().siteId(), "ann@example.com"), "Ann", PASSWORD);
            JsonObject made = ann.call("POST", "/api/team/invitations", new JsonObject().put("email", "bob@example.com").put("role", "agent").encode()).json();
            assertThat(made.getBoolean("emailed")).isTrue();
            SmtpSink.Mail mail = smtp.received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(mail).as("an e-mail reached the SMTP server").isNotNull();
            assertThat(mail.to()).contains("bob@example.com");
            assertThat(mail.from()).contains("tippen@example.com");
            assertThat(mail.data()).contains("Subject: Join Mailed on Tippen").contains(made.getString("url")).contains("Ann invites you");
        }
    }

    static TestServer.Response codeSignIn(TestServer server, String password, String code) {
        return server.post("/console/session", new JsonObject().put("email", "ann@example.com").put("password", password).put("code", code).encode(),
                "Content-Type", "application/json", "Origin", server.base.toString());
    }

    @Test
    void theDemoOwnerSignsInWhileDemoIsOn() {
        try (TestServer server = TestServer.start()) {
            TestServer.Response r = signIn(server, "demo@example.com", "demo-password");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().getString("siteId")).isEqualTo("demo");
            JsonObject anonymous = server.get("/console/session").json();
            assertThat(anonymous.getJsonObject("demo").getString("email")).isEqualTo("demo@example.com");
        }
    }

    static String userId(Person admin, String email) {
        for (Object o : admin.call("GET", "/api/team", null).json().getJsonArray("members")) {
            JsonObject m = (JsonObject) o;
            if (m.getString("email").equals(email)) return m.getString("userId");
        }
        throw new AssertionError("no member " + email);
    }
}
