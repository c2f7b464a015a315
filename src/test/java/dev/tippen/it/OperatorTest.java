package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import dev.tippen.team.Invitation;
import dev.tippen.team.Team;
import dev.tippen.team.TeamDatabase;
import dev.tippen.team.TeamStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The instance's operator: made by the command line's link, sees every site with its figures,
 * creates one, and suspends one (its keys refused with 403, its sockets closed) and resumes it.
 * A site's owner is not an operator.
 */
class OperatorTest {
    static String operatorLink(TestServer server, String email) {
        try (TeamDatabase db = TeamDatabase.sqlite(server.dataDir)) {
            return Team.makeLink(new TeamStore(db), Invitation.Kind.OPERATOR, null, email, null, "cli", Duration.ofHours(24)).token();
        }
    }

    @Test
    void theOperatorSeesEverySiteCreatesOneAndSuspendsOne() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite acme = server.createSite("Acme");
            TeamTest.Person owner = TeamTest.join(server, TeamTest.ownerLink(server, acme.site().siteId(), "owner@example.com"), "Owner", TeamTest.PASSWORD);
            assertThat(owner.call("GET", "/api/operator/sites", null).status()).isEqualTo(403);
            assertThat(server.request("GET", "/api/operator/sites", null, "X-Tippen-API-Key", acme.secretKey()).status()).isEqualTo(401);

            TeamTest.Person op = TeamTest.join(server, operatorLink(server, "op@example.com"), "Olga Operator", TeamTest.PASSWORD);
            assertThat(op.call("GET", "/console/session", null).json().getJsonObject("user").getBoolean("operator")).isTrue();
            assertThat(server.track(acme.publicKey(), "pageview", "v_op_1").status()).isEqualTo(200);
            JsonObject row = site(op, acme.site().siteId());
            assertThat(row.getString("name")).isEqualTo("Acme");
            assertThat(row.getInteger("liveVisitors")).isEqualTo(1);
            assertThat(row.getInteger("activeKeys")).isEqualTo(2);
            assertThat(row.getInteger("members")).isEqualTo(1);
            assertThat(row.getBoolean("suspended")).isFalse();
            assertThat(row.containsKey("storedBytes")).isTrue();

            JsonObject created = op.call("POST", "/api/operator/sites", new JsonObject().put("name", "Beta").encode()).json();
            server.waitForKey(created.getString("publicKey"));
            assertThat(server.track(created.getString("publicKey"), "pageview", "v_beta").status()).isEqualTo(200);

            // Suspended: keys refused with 403, the live dashboard closed, the owner's console refused; resumed: all back.
            try (TestServer.Socket dash = server.dashboard(acme.secretKey())) {
                dash.next("INITIAL_VISITORS");
                assertThat(op.call("POST", "/api/operator/sites/" + acme.site().siteId() + "/suspension", new JsonObject().put("suspended", true).encode())
                        .status()).isEqualTo(200);
                assertThat(dash.awaitClose()).isEqualTo(1008);
            }
            TestServer.Response refused = server.track(acme.publicKey(), "pageview", "v_op_2");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.error()).contains("suspended");
            assertThat(owner.call("GET", "/api/visits", null).status()).isEqualTo(403);
            assertThat(site(op, acme.site().siteId()).getBoolean("suspended")).isTrue();
            assertThat(op.call("POST", "/api/operator/sites/" + acme.site().siteId() + "/suspension", new JsonObject().put("suspended", false).encode())
                    .status()).isEqualTo(200);
            assertThat(server.track(acme.publicKey(), "pageview", "v_op_2").status()).isEqualTo(200);
            assertThat(owner.call("GET", "/api/audit", null).body()).contains("site.suspended").contains("site.resumed");
            assertThat(op.call("POST", "/api/operator/sites/nope/suspension", new JsonObject().put("suspended", true).encode()).status()).isEqualTo(404);

            // A suspended account is signed out everywhere and cannot sign in until resumed.
            String ownerId = TeamTest.userId(owner, "owner@example.com");
            assertThat(op.call("GET", "/api/operator/users", null).body()).contains("owner@example.com").contains("op@example.com");
            assertThat(op.call("POST", "/api/operator/users/" + ownerId + "/suspension", new JsonObject().put("suspended", true).encode()).status())
                    .isEqualTo(200);
            assertThat(owner.call("GET", "/api/visits", null).status()).isEqualTo(401);
            assertThat(TeamTest.signIn(server, "owner@example.com", TeamTest.PASSWORD).status()).isEqualTo(403);
            assertThat(op.call("POST", "/api/operator/users/" + ownerId + "/suspension", new JsonObject().put("suspended", false).encode()).status())
                    .isEqualTo(200);
            assertThat(TeamTest.signIn(server, "owner@example.com", TeamTest.PASSWORD).status()).isEqualTo(200);
        }
    }

    @Test
    void deletingASiteLeavesNothingOfIt() throws Exception {
        try (TestServer server = TestServer.start()) {
            TeamTest.Person op = TeamTest.join(server, operatorLink(server, "op@example.com"), "Olga Operator", TeamTest.PASSWORD);
            JsonObject doomed = op.call("POST", "/api/operator/sites", new JsonObject().put("name", "Doomed Inc").encode()).json();
            String siteId = doomed.getString("siteId");
            server.waitForKey(doomed.getString("publicKey"));
            KeyStore.CreatedSite kept = server.createSite("Kept");
            TeamTest.join(server, TeamTest.ownerLink(server, siteId, "owner@example.com"), "Owner", TeamTest.PASSWORD);
            for (String key : new String[] {doomed.getString("publicKey"), kept.publicKey()}) {
                assertThat(server.track(key, "pageview", "v_del_1").status()).isEqualTo(200);
                assertThat(server.track(key, "exit", "v_del_2").status()).isIn(200);
            }
            TestServer.eventually("the history has the doomed site's visits", Duration.ofSeconds(10),
                    () -> rows(server, "history.db", "visits", siteId) > 0);
            assertThat(op.call("DELETE", "/api/operator/sites/" + siteId, new JsonObject().put("confirm", "Doomed").encode()).status()).isEqualTo(400);
            TestServer.Response deleted = op.call("DELETE", "/api/operator/sites/" + siteId, new JsonObject().put("confirm", "Doomed Inc").encode());
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

            // Refused from the moment the deletion answers (suspended first), then unknown once the keys are gone.
            assertThat(server.track(doomed.getString("publicKey"), "pageview", "v_del_3").status()).isIn(401, 403);
            TestServer.eventually("the key is unknown", Duration.ofSeconds(3),
                    () -> server.track(doomed.getString("publicKey"), "pageview", "v_del_3").status() == 401);
            assertThat(op.call("GET", "/api/operator/sites", null).body()).doesNotContain(siteId).contains(kept.site().siteId());
            for (String table : new String[] {"visits", "pages", "visitors", "daily", "site_usage"}) {
                assertThat(rows(server, "history.db", table, siteId)).as("history rows in " + table).isZero();
            }
            assertThat(rows(server, "history.db", "visits", kept.site().siteId())).as("the other site's history").isPositive();
            for (String table : new String[] {"team_members", "team_audit", "team_tokens", "team_invitations"}) {
                assertThat(rows(server, "team.db", table, siteId)).as("team rows in " + table).isZero();
            }
            assertThat(rows(server, "tippen.db", "api_keys", siteId)).isZero();
            assertThat(rows(server, "tippen.db", "visitors", siteId)).isZero();
        }
    }

    static long rows(TestServer server, String file, String table, String siteId) {
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + server.dataDir.resolve(file));
             var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE site_id = ?")) {
            ps.setString(1, siteId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theOperatorsSitesPageInChromium() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite acme = server.createSite("Acme");
            assertThat(server.track(acme.publicKey(), "pageview", "v_op_ui").status()).isEqualTo(200);
            ChromeDriver driver = BrowserTest.chrome();
            try {
                driver.manage().window().setSize(new Dimension(1400, 900));
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
                driver.get(server.base + "/console/join#" + operatorLink(server, "op@example.com"));
                wait.until(d -> d.findElement(By.id("join-name"))).sendKeys("Olga Operator");
                driver.findElement(By.id("join-password")).sendKeys(TeamTest.PASSWORD);
                driver.findElement(By.xpath("//button[text()='Join']")).click();
                wait.until(d -> d.findElement(By.cssSelector("tr[data-site='" + acme.site().siteId() + "']")).getText().contains("Acme"));
                driver.findElement(By.id("site-name")).sendKeys("Gamma");
                driver.findElement(By.xpath("//button[text()='Create site']")).click();
                assertThat(wait.until(d -> d.findElement(By.cssSelector("input.site-key"))).getDomProperty("value")).startsWith("pk_");
                wait.until(d -> d.findElement(By.cssSelector("section.sites tbody")).getText().contains("Gamma"));
                Files.write(Path.of("target/console-operator.png"), driver.getScreenshotAs(OutputType.BYTES));
            } finally {
                driver.quit();
            }
        }
    }

    static JsonObject site(TeamTest.Person op, String siteId) {
        JsonArray sites = op.call("GET", "/api/operator/sites", null).json().getJsonArray("sites");
        return (JsonObject) sites.stream().filter(o -> ((JsonObject) o).getString("siteId").equals(siteId)).findFirst().orElseThrow();
    }
}
