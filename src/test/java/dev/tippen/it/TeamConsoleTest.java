package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A team in Debian's Chromium, each person in a browser of their own: the owner joins by the
 * command line's link and invites an agent and a viewer by link; the agent invites a visitor; the
 * viewer has no Invite button and is refused by the API; removing the agent signs their open
 * console out within a second; one person keeps two sites live in two tabs.
 */
class TeamConsoleTest {
    @Test
    void anOwnerInvitesAnAgentAndAViewerEachDoesWhatTheirRoleAllows() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        // Headless Chromium is a bot by its User-Agent; the visitors here are tracked directly, so bots stay hidden.
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite acme = server.createSite("Acme");
            KeyStore.CreatedSite beta = server.createSite("Beta");
            assertThat(server.track(acme.publicKey(), "pageview", "v_team_live").status()).isEqualTo(200);
            List<ChromeDriver> drivers = new ArrayList<>();
            Steps steps = new Steps();
            ChromeDriver owner = null;
            try {
                owner = browser(drivers);
                WebDriverWait wait = new WebDriverWait(owner, Duration.ofSeconds(10));

                steps.at("The owner joins by the link 'tippen users add' prints: Name, Password, Join.");
                owner.get(server.base + "/console/join#" + TeamTest.ownerLink(server, acme.site().siteId(), "ann@example.com"));
                joinAs(owner, wait, "Ann Owner");
                wait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));
                assertThat(owner.findElement(By.cssSelector(".who")).getText()).contains("Ann Owner").contains("owner");
                assertThat(owner.getCurrentUrl()).contains("site=" + acme.site().siteId());

                steps.at("The owner invites an agent and a viewer from the Team page.");
                String agentLink = inviteFromTeamPage(owner, wait, "bob@example.com", "agent");
                String viewerLink = inviteFromTeamPage(owner, wait, "vic@example.com", "viewer");
                Files.write(Path.of("target/console-team.png"), owner.getScreenshotAs(OutputType.BYTES));

                steps.at("The agent joins in a browser of their own and invites the live visitor.");
                ChromeDriver agent = browser(drivers);
                WebDriverWait agentWait = new WebDriverWait(agent, Duration.ofSeconds(10));
                agent.get(agentLink);
                joinAs(agent, agentWait, "Bob Agent");
                WebElement invite = agentWait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_team_live] button.invite")));
                invite.click();
                agentWait.until(d -> d.findElement(By.id("guest-url"))).sendKeys("https://meet.example.com/bob");
                agent.findElement(By.xpath("//button[text()='Send invite']")).click();
                agentWait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_team_live]")).getText().contains("Invited by Bob Agent"));
                // The owner's console says who sent it too.
                wait.until(d -> {
                    d.findElement(By.xpath("//nav//button[text()='Live']")).click();
                    return d.findElement(By.cssSelector("tr[data-visitor=v_team_live]")).getText().contains("Invited by Bob Agent");
                });

                steps.at("The viewer sees the visitor but no Invite button, and the API refuses the viewer's invite.");
                ChromeDriver viewer = browser(drivers);
                WebDriverWait viewerWait = new WebDriverWait(viewer, Duration.ofSeconds(10));
                viewer.get(viewerLink);
                joinAs(viewer, viewerWait, "Vic Viewer");
                viewerWait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_team_live]")));
                assertThat(viewer.findElements(By.cssSelector("button.invite"))).isEmpty();
                Object status = viewer.executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch('/api/send-video-invite' + location.search, {method: 'POST', credentials: 'same-origin',"
                        + " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({visitorId: 'v_team_live',"
                        + " guestUrl: 'https://meet.example.com/x'})}).then(r => done(r.status), e => done(String(e)));");
                assertThat(status).isEqualTo(403L);
                Files.write(Path.of("target/console-viewer.png"), viewer.getScreenshotAs(OutputType.BYTES));

                steps.at("The viewer turns on two-factor sign-in, then signs in with a code their app would show.");
                viewer.findElement(By.xpath("//nav//button[text()='Team']")).click();
                viewerWait.until(d -> d.findElement(By.xpath("//button[text()='Turn on two-factor sign-in']"))).click();
                String secret = viewerWait.until(d -> d.findElement(By.cssSelector("input.totp-secret"))).getDomProperty("value");
                java.time.Instant now = java.time.Instant.now();
                viewer.findElement(By.id("totp-code")).sendKeys(TeamTest.appCode(secret, now));
                viewer.findElement(By.xpath("//button[text()='Confirm']")).click();
                String[] vicRecovery = viewerWait.until(d -> d.findElement(By.cssSelector(".recovery pre"))).getText().split("\n");
                assertThat(vicRecovery).hasSize(10);
                Files.write(Path.of("target/console-totp.png"), viewer.getScreenshotAs(OutputType.BYTES));
                viewer.findElement(By.xpath("//button[text()='Sign out']")).click();
                viewerWait.until(d -> d.findElement(By.id("email"))).sendKeys("vic@example.com");
                viewer.findElement(By.id("password")).sendKeys(TeamTest.PASSWORD);
                viewer.findElement(By.xpath("//button[text()='Sign in']")).click();
                // The password stays typed; only the code is added.
                viewerWait.until(d -> d.findElement(By.id("code"))).sendKeys(TeamTest.appCode(secret, now.plusSeconds(30)));
                viewer.findElement(By.xpath("//button[text()='Sign in']")).click();
                viewerWait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));

                steps.at("The owner removes the agent: the agent's open console is signed out within a second.");
                owner.findElement(By.xpath("//nav//button[text()='Team']")).click();
                WebElement bobRow = wait.until(d -> d.findElement(By.xpath("//tr[td[text()='bob@example.com']]")));
                bobRow.findElement(By.xpath(".//button[text()='Remove']")).click();
                long t0 = System.nanoTime();
                owner.switchTo().alert().accept();
                new WebDriverWait(agent, Duration.ofMillis(1500), Duration.ofMillis(50)).until(d -> !d.findElements(By.id("email")).isEmpty());
                long took = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("removed agent's console signed out in " + took + " ms");
                assertThat(took).as("ms until the agent's console showed sign-in").isLessThan(1500);

                steps.at("An admin's reset link for the viewer works once and signs the viewer in with the new password.");
                WebElement vicRow = wait.until(d -> d.findElement(By.xpath("//tr[td[text()='vic@example.com']]")));
                vicRow.findElement(By.xpath(".//button[text()='Reset link']")).click();
                String resetUrl = wait.until(d -> d.findElement(By.cssSelector("input.join-link"))).getDomProperty("value");
                assertThat(resetUrl).contains("/console/join#");
                String resetToken = resetUrl.substring(resetUrl.indexOf('#') + 1);
                // Vic has a second factor: a reset link alone (which the admin holds) is not enough, and is not spent by trying.
                TestServer.Response noCode = server.post("/console/join", new io.vertx.core.json.JsonObject().put("token", resetToken)
                        .put("password", "a brand new password").encode(), "Content-Type", "application/json", "Origin", server.base.toString());
                assertThat(noCode.status()).isEqualTo(401);
                assertThat(noCode.json().getBoolean("codeRequired")).isTrue();
                TestServer.Response reset = server.post("/console/join", new io.vertx.core.json.JsonObject().put("token", resetToken)
                        .put("password", "a brand new password").put("code", vicRecovery[0]).encode(), "Content-Type", "application/json",
                        "Origin", server.base.toString());
                assertThat(reset.status()).as(reset.body()).isEqualTo(200);
                assertThat(TeamTest.signIn(server, "vic@example.com", TeamTest.PASSWORD).status()).isIn(401, 429);

                steps.at("The Audit page says who did what.");
                owner.findElement(By.xpath("//nav//button[text()='Audit']")).click();
                wait.until(d -> d.findElement(By.cssSelector(".audit tbody")).getText().contains("teammate.removed"));
                String audit = owner.findElement(By.cssSelector(".audit tbody")).getText();
                assertThat(audit).contains("invite.sent").contains("Bob Agent").contains("teammate.invited").contains("Ann Owner");
                Files.write(Path.of("target/console-audit.png"), owner.getScreenshotAs(OutputType.BYTES));

                steps.at("One person, two sites, two tabs: both stay live.");
                owner.get(server.base + "/console/join#" + TeamTest.ownerLink(server, beta.site().siteId(), "ann@example.com"));
                // An account that exists joins with its password only.
                wait.until(d -> d.findElement(By.id("join-password"))).sendKeys(TeamTest.PASSWORD);
                assertThat(owner.findElements(By.id("join-name"))).isEmpty();
                owner.findElement(By.xpath("//button[text()='Join']")).click();
                wait.until(d -> d.findElement(By.cssSelector("select.site-switcher")));
                String firstTab = owner.getWindowHandle();
                owner.get(server.base + "/console?site=" + acme.site().siteId());
                wait.until(d -> d.findElement(By.cssSelector(".conn.up")));
                owner.switchTo().newWindow(WindowType.TAB);
                owner.get(server.base + "/console?site=" + beta.site().siteId());
                wait.until(d -> d.findElement(By.cssSelector(".conn.up")));
                assertThat(new Select(owner.findElement(By.cssSelector("select.site-switcher"))).getFirstSelectedOption().getText()).isEqualTo("Beta");
                assertThat(server.track(beta.publicKey(), "pageview", "v_beta_1").status()).isEqualTo(200);
                assertThat(server.track(acme.publicKey(), "pageview", "v_acme_2").status()).isEqualTo(200);
                wait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_beta_1]")));
                assertThat(owner.findElements(By.cssSelector("tr[data-visitor=v_acme_2]"))).isEmpty();
                owner.switchTo().window(firstTab);
                wait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_acme_2]")));
                assertThat(owner.findElement(By.cssSelector(".conn")).getText()).isEqualTo("live");
                assertThat(owner.findElements(By.cssSelector("tr[data-visitor=v_beta_1]"))).isEmpty();
            } catch (AssertionError | RuntimeException e) {
                for (int i = 0; i < drivers.size(); i++) {
                    Files.write(Path.of("target/console-team-failed-" + i + ".png"), drivers.get(i).getScreenshotAs(OutputType.BYTES));
                }
                throw steps.failed(e);
            } finally {
                for (ChromeDriver d : drivers) d.quit();
            }
        }
    }

    private static ChromeDriver browser(List<ChromeDriver> drivers) throws Exception {
        ChromeDriver d = BrowserTest.chrome();
        drivers.add(d);
        d.manage().window().setSize(new Dimension(1400, 900));
        return d;
    }

    static void joinAs(ChromeDriver driver, WebDriverWait wait, String name) {
        wait.until(d -> d.findElement(By.id("join-name"))).sendKeys(name);
        driver.findElement(By.id("join-password")).sendKeys(TeamTest.PASSWORD);
        driver.findElement(By.xpath("//button[text()='Join']")).click();
        wait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));
    }

    private static String inviteFromTeamPage(ChromeDriver owner, WebDriverWait wait, String email, String role) {
        owner.findElement(By.xpath("//nav//button[text()='Team']")).click();
        wait.until(d -> d.findElement(By.xpath("//button[text()='Invite teammate']"))).click();
        wait.until(d -> d.findElement(By.id("invite-email"))).sendKeys(email);
        new Select(owner.findElement(By.id("invite-role"))).selectByVisibleText(role);
        owner.findElement(By.xpath("//button[text()='Create link']")).click();
        WebElement link = wait.until(d -> d.findElement(By.cssSelector("input.join-link")));
        String url = link.getDomProperty("value");
        assertThat(url).contains("/console/join#");
        return url;
    }
}
