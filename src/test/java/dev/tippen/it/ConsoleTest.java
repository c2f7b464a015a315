package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's Chromium: sign in, watch a visitor arrive and move, invite a real tracker
 * page from the dialog and see it join, see an exit remove the row, hostile fields stay inert, a
 * burst of 300 visitors listed, and sessions that end on sign-out and on revocation.
 */
class ConsoleTest {
    static final String XSS = "<img src=x onerror=\"window.__pwned=1\">";

    @Test
    void anAgentSignsInWatchesVisitorsInvitesOneAndSignsOut() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int pagePort = pages.getAddress().getPort();
        String template = "http://localhost:" + pagePort + "/call?visitor={visitorId}";
        // Headless Chromium is a bot by its User-Agent: this server shows bots, so the tracker tab is listed.
        try (TestServer server = TestServer.start(c -> c.withEnrich(c.enrich().withPrivacy(false, true))
                .with(b -> {
                    b.callLinkTemplate = template;
                    b.webhooks = dev.tippen.config.WebhookOptions.defaults().allowingLocal();
                })); Receiver hooks = new Receiver(r -> Receiver.Reply.ok())) {
            KeyStore.CreatedSite site = server.createSite("Acme Widgets");
            pages.createContext("/pricing", ex -> BrowserTest.respond(ex, "<!doctype html><html><head><title>Pricing</title></head>"
                    + "<body><h1>Pricing</h1><script src=\"http://127.0.0.1:" + server.app.port() + "/tippen-tracker.js\" "
                    + "data-tippen-api-key=\"" + site.publicKey() + "\"></script></body></html>"));
            pages.createContext("/call", ex -> BrowserTest.respond(ex, "<!doctype html><title>call</title><p>in call</p>"));
            pages.start();
            ChromeDriver driver = BrowserTest.chrome();
            // One scenario, a step at a time: a failure names the step it failed at.
            Steps steps = new Steps();
            try {
                driver.manage().window().setSize(new Dimension(1500, 950));
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
                String console = server.base + "/console";
                driver.get(console);

                steps.at("A public key is refused, visibly.");
                signIn(driver, wait, site.publicKey());
                WebElement refused = wait.until(d -> d.findElement(By.cssSelector(".signin [role=alert]")));
                assertThat(refused.getText()).contains("public key");

                signIn(driver, wait, site.secretKey());
                wait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));
                Cookie cookie = driver.manage().getCookieNamed("tippen_session");
                assertThat(cookie).isNotNull();
                assertThat(cookie.isHttpOnly()).isTrue();
                assertThat(cookie.getSameSite()).isEqualTo("Strict");
                JavascriptExecutor js = driver;
                assertThat((String) js.executeScript("return document.cookie")).doesNotContain("tippen_session");
                assertThat((String) js.executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
                        .doesNotContain(site.secretKey());
                assertThat(driver.getCurrentUrl()).doesNotContain(site.secretKey());

                steps.at("A visitor tracked over HTTP appears, with hostile fields shown as text.");
                long t0 = System.nanoTime();
                assertThat(server.post("/track/visitor", hostile("v_console1", "https://example.com/start"), "Content-Type",
                        "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
                WebElement row = wait.until(d -> d.findElement(By.cssSelector("tr[data-visitor=v_console1]")));
                System.out.printf("console: a tracked visitor appeared after %.0f ms%n", (System.nanoTime() - t0) / 1e6);
                assertThat(row.getText()).contains(XSS);
                assertThat(js.executeScript("return window.__pwned")).isNull();
                assertThat(driver.findElements(By.cssSelector("tr[data-visitor=v_console1] img"))).isEmpty();
                assertThat(driver.findElements(By.cssSelector("tr[data-visitor=v_console1] a[href^=javascript]"))).isEmpty();

                steps.at("A page view updates the row in place.");
                server.post("/track/visitor", TestServer.trackBody("pageview", "v_console1", "https://example.com/pricing"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                wait.until(d -> cells(d, "v_console1").get(5).getText().equals("2"));

                steps.at("Its detail shows the trail and the facts.");
                driver.findElement(By.cssSelector("tr[data-visitor=v_console1] button.linkish")).click();
                WebElement detail = wait.until(d -> d.findElement(By.cssSelector("aside.detail")));
                wait.until(d -> detail.findElements(By.cssSelector(".trail li")).size() == 2);
                assertThat(detail.getText()).contains("Pages this visit").contains("https://example.com/pricing");
                // The trail is asked for as the detail opens, and again as the open visitor moves on.
                server.post("/track/visitor", TestServer.trackBody("pageview", "v_console1", "https://example.com/checkout"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                wait.until(d -> detail.findElements(By.cssSelector(".trail li")).size() == 3);
                assertThat(detail.getText()).contains("https://example.com/checkout");
                for (int i = 2; i <= 4; i++) {
                    server.post("/track/visitor", TestServer.trackBody("pageview", "v_demo" + i, "https://example.com/docs/" + i),
                            "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                }
                wait.until(d -> d.findElements(By.cssSelector("tbody tr[data-visitor]")).size() == 4);
                Files.createDirectories(Path.of("target"));
                Files.write(Path.of("target/console.png"), driver.getScreenshotAs(OutputType.BYTES));

                steps.at("The tracker in a second tab: invite it from the dialog, Join there, and the row says \"in call\".");
                String consoleTab = driver.getWindowHandle();
                driver.switchTo().newWindow(WindowType.TAB);
                driver.get("http://127.0.0.1:" + pagePort + "/pricing");
                String trackerTab = driver.getWindowHandle();
                String visitorId = wait.until(d -> (String) ((JavascriptExecutor) d).executeScript(
                        "return localStorage.getItem('tippen_visitor_id')"));
                driver.switchTo().window(consoleTab);
                WebElement trackerRow = wait.until(d -> d.findElement(By.cssSelector("tr[data-visitor='" + visitorId + "']")));
                trackerRow.findElement(By.xpath(".//button[text()='Invite']")).click();
                WebElement guest = wait.until(d -> d.findElement(By.cssSelector("dialog[open] input#guest-url")));
                assertThat(driver.findElement(By.xpath("//label[@for='guest-url']")).getText()).isEqualTo("Guest URL");
                assertThat(guest.getDomProperty("value")).isEqualTo(template.replace("{visitorId}", visitorId));
                assertThat(driver.findElement(By.id("guest-url-help")).getText()).contains("meeting room");
                driver.findElement(By.xpath("//dialog//button[text()='Send invite']")).click();
                wait.until(d -> statusOf(d, visitorId).equals("invited"));
                assertThat(driver.findElement(By.cssSelector("p.message")).getText()).startsWith("Invite sent to");

                driver.switchTo().window(trackerTab);
                WebElement host = wait.until(d -> d.findElement(By.id("tippen-video-modal")));
                SearchContext overlay = host.getShadowRoot();
                overlay.findElement(By.cssSelector("[data-tippen-action=join]")).click();
                driver.switchTo().window(consoleTab);
                wait.until(d -> statusOf(d, visitorId).equals("in call"));
                steps.at("The invite is answered: its banner has said what it had to.");
                wait.until(d -> d.findElements(By.cssSelector("p.message")).isEmpty());

                steps.at("An API error is shown, not swallowed: a guest URL the server refuses.");
                driver.findElement(By.cssSelector("tr[data-visitor=v_demo2]")).findElement(By.xpath(".//button[text()='Invite']")).click();
                WebElement field = wait.until(d -> d.findElement(By.cssSelector("dialog[open] input#guest-url")));
                field.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
                field.sendKeys("http://meet.example.com/plain-http");
                wait.until(d -> "http://meet.example.com/plain-http".equals(field.getDomProperty("value")));
                driver.findElement(By.xpath("//dialog//button[text()='Send invite']")).click();
                WebElement error = wait.until(d -> d.findElement(By.cssSelector("dialog[open] [role=alert]")));
                assertThat(error.getText()).isNotBlank();
                driver.findElement(By.xpath("//dialog//button[text()='Cancel']")).click();

                steps.at("A declined invite shows on the row.");
                assertThat(server.invite(site.secretKey(), "v_demo3", "https://meet.example.com/room").status()).isEqualTo(200);
                wait.until(d -> statusOf(d, "v_demo3").equals("invited"));
                server.post("/track/visitor", TestServer.trackBody("video_declined", "v_demo3", "https://example.com/docs/3"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                wait.until(d -> statusOf(d, "v_demo3").equals("active declined"));

                steps.at("An exit removes the row.");
                server.post("/track/visitor", TestServer.trackBody("exit", "v_console1", "https://example.com/checkout"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                wait.until(d -> d.findElements(By.cssSelector("tr[data-visitor=v_console1]")).isEmpty());

                steps.at("The history pages: the visit just ended is listed, and its visitor's profile shows its trail.");
                driver.findElement(By.xpath("//nav//button[text()='History']")).click();
                WebElement visitButton = wait.until(d -> d.findElement(By.xpath("//table//button[text()='v_console1']")));
                assertThat(driver.findElement(By.cssSelector("a.csv")).getDomAttribute("href")).contains("format=csv");
                visitButton.click();
                WebElement profile = wait.until(d -> d.findElement(By.cssSelector("article.visit")));
                assertThat(profile.getText()).contains("Visit 1").contains("https://example.com/pricing");
                assertThat(js.executeScript("return window.__pwned")).isNull();
                steps.at("A notification's link back (/console?visitor=…) opens that visitor's profile.");
                driver.get(server.base.resolve("/console?visitor=v_console1").toString());
                WebElement linked = wait.until(d -> d.findElement(By.cssSelector("article.visit")));
                assertThat(driver.findElement(By.id("profile-heading")).getText()).contains("v_console1");
                assertThat(linked.getText()).contains("https://example.com/pricing");
                driver.findElement(By.xpath("//nav//button[text()='Companies']")).click();
                wait.until(d -> d.findElement(By.id("companies-heading")));

                steps.at("Notifications: add an endpoint, see its secret once, send a test, read the delivery.");
                driver.findElement(By.xpath("//nav//button[text()='Notifications']")).click();
                WebElement hookUrl = wait.until(d -> d.findElement(By.xpath("//label[contains(., 'Endpoint URL')]/input")));
                hookUrl.sendKeys(hooks.url("/console-hook"));
                driver.findElement(By.xpath("//button[text()='Add endpoint']")).click();
                WebElement shownSecret = wait.until(d -> d.findElement(By.cssSelector(".secret code")));
                assertThat(shownSecret.getText()).startsWith("whsec_");
                wait.until(d -> d.findElement(By.xpath("//button[text()='Send test']"))).click();
                hooks.await("/console-hook", 1, Duration.ofSeconds(10));
                driver.findElement(By.xpath("//button[text()='Deliveries']")).click();
                wait.until(d -> {
                    d.findElement(By.xpath("//button[text()='Refresh']")).click();
                    return d.findElement(By.cssSelector("#deliveries-heading")).isDisplayed()
                            && d.findElements(By.xpath("//table//span[text()='delivered']")).size() == 1;
                });
                assertThat(driver.findElement(By.cssSelector("table")).getText()).contains("webhook.test").contains("200");
                Files.write(Path.of("target/console-webhooks.png"), driver.getScreenshotAs(OutputType.BYTES));
                driver.findElement(By.xpath("//button[text()='Back']")).click();
                driver.findElement(By.xpath("//nav//button[text()='Live']")).click();
                wait.until(d -> d.findElement(By.cssSelector("input[type=search]")));

                steps.at("300 visitors in one burst are all listed.");
                burst(server, site.publicKey(), 300);
                WebElement search = driver.findElement(By.cssSelector("input[type=search]"));
                search.sendKeys("burst_");
                wait.until(d -> d.findElement(By.cssSelector(".count")).getText().equals("300 visitors shown"));

                steps.at("The console's pages broke none of its own rules.");
                for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                    assertThat(e.getMessage()).doesNotContain("Content Security Policy").doesNotContain("Uncaught");
                }

                steps.at("Sign out ends the session: the cookie no longer opens anything.");
                driver.findElement(By.xpath("//button[text()='Sign out']")).click();
                wait.until(d -> d.findElement(By.id("secret-key")));
                assertThat(withCookie(server, "/console/session", cookie.getValue()).status()).isEqualTo(401);
                assertThat(withCookie(server, "/api/visits", cookie.getValue()).status()).isEqualTo(401);

                steps.at("Revoking the key ends a session within about a second: the console goes back to sign-in.");
                signIn(driver, wait, site.secretKey());
                wait.until(d -> d.findElement(By.xpath("//button[text()='Sign out']")));
                Cookie second = driver.manage().getCookieNamed("tippen_session");
                assertThat(withCookie(server, "/api/visits", second.getValue()).status()).isEqualTo(200);
                try (KeyStore keys = server.keys()) {
                    keys.revoke(site.site().siteId());
                }
                wait.until(d -> d.findElement(By.id("secret-key")));
                assertThat(withCookie(server, "/api/visits", second.getValue()).status()).isEqualTo(401);
            } catch (AssertionError | RuntimeException e) {
                Files.write(Path.of("target/console-failed.png"), driver.getScreenshotAs(OutputType.BYTES));
                for (LogEntry l : driver.manage().logs().get(LogType.BROWSER)) System.err.println("browser: " + l.getMessage());
                throw steps.failed(e);
            } finally {
                driver.quit();
                pages.stop(0);
            }
        }
    }

    @Test
    void aSessionOpenedOnOneNodeWorksOnTheOtherAndEndsOnBoth() {
        try (TestServer cluster = TestServer.cluster()) {
            KeyStore.CreatedSite site = cluster.createSite("Nodes");
            TestServer a = cluster.on(0);
            TestServer b = cluster.on(1);
            TestServer.Response ok = a.post("/console/session", new JsonObject().put("secretKey", site.secretKey()).encode(),
                    "Content-Type", "application/json", "Origin", a.base.toString());
            assertThat(ok.status()).isEqualTo(200);
            String setCookie = ok.headers().firstValue("set-cookie").orElseThrow();
            String token = setCookie.substring("tippen_session=".length(), setCookie.indexOf(';'));
            long deadline = System.currentTimeMillis() + 5000;
            while (withCookie(b, "/console/session", token).status() != 200 && System.currentTimeMillis() < deadline) TestServer.sleep(100);
            assertThat(withCookie(b, "/console/session", token).json().getString("siteId")).isEqualTo(site.site().siteId());
            assertThat(b.request("DELETE", "/console/session", null, "Cookie", "tippen_session=" + token, "Origin", b.base.toString())
                    .status()).isEqualTo(204);
            deadline = System.currentTimeMillis() + 5000;
            while (withCookie(a, "/console/session", token).status() != 401 && System.currentTimeMillis() < deadline) TestServer.sleep(100);
            assertThat(withCookie(a, "/console/session", token).status()).isEqualTo(401);
        }
    }

    @Test
    void theIndexLinksTheConsoleAndTheDemoSiteCarriesTheTracker() {
        try (TestServer demo = TestServer.start()) {
            assertThat(demo.get("/").body()).contains("href=\"/console\"").contains("demo_api_key").contains("href=\"/demo\"");
            for (String page : new String[] {"/demo", "/demo/pricing", "/demo/contact"}) {
                assertThat(demo.get(page).body()).contains("/tippen-tracker.js").contains("data-tippen-api-key=\"demo_api_key\"");
            }
        }
        try (TestServer plain = TestServer.start(c -> c.withDemo(false))) {
            assertThat(plain.get("/").body()).contains("href=\"/console\"").doesNotContain("demo_api_key");
            assertThat(plain.get("/demo").status()).isEqualTo(404);
        }
    }

    @Test
    void theSessionIsRefusedFromAnotherOriginAndSignInWantsThisOrigin() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Origins");
            String body = new JsonObject().put("secretKey", site.secretKey()).encode();
            assertThat(server.post("/console/session", body, "Content-Type", "application/json").status()).isEqualTo(403);
            assertThat(server.post("/console/session", body, "Content-Type", "application/json", "Origin", "https://evil.example")
                    .status()).isEqualTo(403);
            TestServer.Response ok = server.post("/console/session", body, "Content-Type", "application/json", "Origin",
                    server.base.toString());
            assertThat(ok.status()).isEqualTo(200);
            String setCookie = ok.headers().firstValue("set-cookie").orElseThrow();
            assertThat(setCookie).contains("HTTPOnly").contains("SameSite=Strict").contains("Max-Age=43200");
            String token = setCookie.substring("tippen_session=".length(), setCookie.indexOf(';'));
            assertThat(withCookie(server, "/api/visits", token).status()).isEqualTo(200);
            assertThat(server.request("GET", "/api/visits", null, "Cookie", "tippen_session=" + token, "Origin", "https://evil.example")
                    .status()).isEqualTo(403);
            assertThat(server.post("/console/session", "{\"secretKey\":\"" + site.publicKey() + "\"}", "Content-Type", "application/json",
                    "Origin", server.base.toString()).error()).contains("public key");
        }
    }

    static void signIn(ChromeDriver driver, WebDriverWait wait, String key) {
        WebElement field = wait.until(d -> d.findElement(By.id("secret-key")));
        assertThat(driver.findElement(By.xpath("//label[@for='secret-key']")).getText()).isEqualTo("Secret key");
        field.clear();
        field.sendKeys(key);
        driver.findElement(By.xpath("//button[text()='Open with key']")).click();
    }

    private static List<WebElement> cells(org.openqa.selenium.WebDriver d, String visitorId) {
        return d.findElements(By.cssSelector("tr[data-visitor='" + visitorId + "'] td"));
    }

    /** A visitor's status cell, without the line that says who sent an invite. */
    private static String statusOf(org.openqa.selenium.WebDriver d, String visitorId) {
        List<WebElement> c = cells(d, visitorId);
        return c.isEmpty() ? "" : c.get(0).getText().replaceAll("\\s*Invited by .*", "").trim();
    }

    private static TestServer.Response withCookie(TestServer server, String path, String token) {
        return server.request("GET", path, null, "Cookie", "tippen_session=" + token);
    }

    static String hostile(String visitorId, String url) {
        return new JsonObject().put("event", "pageview").put("website", "example.com").put("visitor", new JsonObject()
                .put("visitorId", visitorId).put("url", url).put("title", XSS)
                .put("referrer", "javascript:window.__pwned=2").put("userAgent", "Mozilla/5.0 " + XSS + " Chrome/126.0")
                .put("timestamp", "2026-11-24T10:00:00Z")).encode();
    }

    private static void burst(TestServer server, String publicKey, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "burst_" + i;
                all.add(CompletableFuture.supplyAsync(() -> server.post("/track/visitor",
                        TestServer.trackBody("pageview", id, "https://example.com/landing"), "Content-Type", "application/json",
                        "X-Tippen-API-Key", publicKey).status(), pool));
            }
            for (CompletableFuture<Integer> f : all) assertThat(f.get()).isEqualTo(200);
        } finally {
            pool.shutdown();
        }
    }
}
