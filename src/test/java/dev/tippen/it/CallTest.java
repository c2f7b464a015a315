package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A call in Tippen, in Debian's Chromium with fake camera and microphone: the agent invites from the
 * console, a page carrying the served tracker presses Join, both see the other's video (frames decoded
 * and rising, per getStats), and the call ends three ways: the agent hangs up, the visitor hangs up,
 * the visitor's tab closes. Each record says how long it lasted and how it ended.
 */
class CallTest {
    static final String[] FAKE_MEDIA = {"--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"};

    @Test
    void anAgentCallsAVisitorAndEitherSideEndsIt() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        // Headless Chromium is a bot by its User-Agent: this server shows bots, so the tracker's tab is listed.
        try (TestServer server = TestServer.start(c -> c.withEnrich(c.enrich().withPrivacy(false, true))
                .with(b -> b.webhooks = dev.tippen.config.WebhookOptions.defaults().allowingLocal()));
             Receiver hooks = new Receiver(r -> Receiver.Reply.ok())) {
            KeyStore.CreatedSite site = server.createSite("Acme");
            WebhookTest.create(server, site.secretKey(), new JsonObject().put("url", hooks.url("/calls"))
                    .put("events", new JsonArray().add("call.started").add("call.ended"))
                    .put("filter", new JsonObject().put("skipBots", false)));
            HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String page = "<!doctype html><html><head><title>Pricing</title></head><body><h1>Pricing</h1>"
                    + "<script src=\"" + server.base + "/tippen-tracker.js\" data-tippen-api-key=\"" + site.publicKey() + "\"></script></body></html>";
            pages.createContext("/pricing", ex -> BrowserTest.respond(ex, page));
            pages.start();
            String pageUrl = "http://127.0.0.1:" + pages.getAddress().getPort() + "/pricing";
            List<ChromeDriver> drivers = new ArrayList<>();
            Steps steps = new Steps();
            try {
                steps.at("The agent joins the team and opens the console.");
                ChromeDriver agent = browser(drivers);
                WebDriverWait agentWait = new WebDriverWait(agent, Duration.ofSeconds(15));
                agent.get(server.base + "/console/join#" + TeamTest.ownerLink(server, site.site().siteId(), "ann@example.com"));
                TeamConsoleTest.joinAs(agent, agentWait, "Ann Agent");

                ChromeDriver visitor = browser(drivers);
                WebDriverWait visitorWait = new WebDriverWait(visitor, Duration.ofSeconds(15));
                visitor.get(pageUrl);
                String visitorId = visitorWait.until(d -> (String) ((JavascriptExecutor) d).executeScript(
                        "return window.__tippen && window.__tippen.visitorId"));

                steps.at("Call 1: the agent invites with no guest URL, the visitor joins, both see video, the agent hangs up.");
                long t0 = System.nanoTime();
                invite(agent, agentWait, visitorId);
                joinFromPage(visitor, visitorWait);
                bothSeeVideo(agent, visitor, agentWait, visitorWait);
                System.out.printf("call: both sides decoding video %.1f s after the invite%n", (System.nanoTime() - t0) / 1e9);
                assertThat(agent.findElement(By.cssSelector(".call-view")).getText()).contains("Connected").contains("Connection:");
                assertThat(liveRow(server, site, visitorId).getJsonArray("invites").getJsonObject(0).getJsonObject("call")
                        .getString("state")).isEqualTo("connected");
                Files.createDirectories(Path.of("target"));
                Files.write(Path.of("target/call-agent.png"), agent.getScreenshotAs(OutputType.BYTES));
                Files.write(Path.of("target/call-visitor.png"), visitor.getScreenshotAs(OutputType.BYTES));
                Thread.sleep(1200); // a call of a second or more: its duration counts whole seconds
                agent.findElement(By.xpath("//section[@class='call-view']//button[text()='Hang up']")).click();
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view.ended")).getText().contains("The agent hung up."));
                inCallFrame(visitor, visitorWait, d -> d.findElement(By.id("state")).getText().contains("The agent hung up."));

                steps.at("The agent's feedback is saved with the record.");
                new Select(agent.findElement(By.id("lead-quality"))).selectByVisibleText("Hot");
                new Select(agent.findElement(By.id("call-rating"))).selectByVisibleText("5");
                agent.findElement(By.id("call-notes")).sendKeys("Wants a demo <b>next week</b>");
                agentWait.until(d -> {
                    // Clicked until it takes; once saved the button is gone, and the text says so.
                    if (d.findElement(By.cssSelector(".call-view")).getText().contains("Feedback saved.")) return true;
                    d.findElement(By.xpath("//button[text()='Save feedback']")).click();
                    return d.findElement(By.cssSelector(".call-view")).getText().contains("Feedback saved.")
                            || !d.findElements(By.cssSelector(".call-view [role=alert]")).isEmpty() && false;
                });
                JsonObject first = awaitCall(server, site, 1, c -> c.getString("endReason") != null);
                assertThat(first.getString("endReason")).isEqualTo("agent_hung_up");
                assertThat(first.getString("visitorId")).isEqualTo(visitorId);
                assertThat(first.getString("visitId")).isNotNull();
                assertThat(first.getJsonObject("agent").getString("name")).isEqualTo("Ann Agent");
                assertThat(first.getLong("durationSeconds")).isGreaterThan(0);
                assertThat(first.getLong("secondsToConnect")).isNotNull();
                assertThat(first.getJsonObject("feedback").getString("leadQuality")).isEqualTo("hot");
                assertThat(first.getJsonObject("feedback").getInteger("rating")).isEqualTo(5);
                agent.findElement(By.xpath("//section[contains(@class,'call-view')]//button[text()='Close']")).click();

                steps.at("Call 2: the agent's console reloads mid-call and takes the call back; then the visitor closes the overlay.");
                invite(agent, agentWait, visitorId);
                joinFromPage(visitor, visitorWait);
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view")).getText().contains("Connected"));
                inCallFrame(visitor, visitorWait, d -> {
                    d.findElement(By.id("camera")).click();
                    return true;
                });
                agent.navigate().refresh();
                agentWait.until(d -> d.findElement(By.cssSelector("tr[data-visitor='" + visitorId + "'] button.rejoin"))).click();
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view")).getText().contains("Connected"));
                long rejoined = frames(agent);
                agentWait.until(d -> frames(d) > rejoined);
                Thread.sleep(1200);
                // The overlay's close button hangs up too (through the call page, which alone holds the call).
                visitor.findElement(By.id("tippen-video-modal")).getShadowRoot().findElement(By.cssSelector("[data-tippen-action=close]")).click();
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view.ended")).getText().contains("The visitor hung up."));
                visitorWait.until(d -> d.findElements(By.id("tippen-video-modal")).isEmpty());
                JsonObject second = awaitCall(server, site, 2, c -> c.getString("endReason") != null);
                assertThat(second.getString("endReason")).isEqualTo("visitor_hung_up");
                assertThat(second.getLong("durationSeconds")).isGreaterThan(0);
                agent.findElement(By.xpath("//section[contains(@class,'call-view')]//button[text()='Close']")).click();

                steps.at("Call 3: the visitor's tab closes mid-call; the call ends as lost within 20 s.");
                invite(agent, agentWait, visitorId);
                joinFromPage(visitor, visitorWait);
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view")).getText().contains("Connected"));
                visitor.quit();
                drivers.remove(visitor);
                long closed = System.nanoTime();
                JsonObject third = awaitCall(server, site, 3, c -> c.getString("endReason") != null);
                double seconds = (System.nanoTime() - closed) / 1e9;
                System.out.printf("call: the closed tab's call ended as %s after %.1f s%n", third.getString("endReason"), seconds);
                assertThat(third.getString("endReason")).isEqualTo("lost");
                assertThat(seconds).isLessThan(20);
                agentWait.until(d -> d.findElement(By.cssSelector(".call-view.ended")).getText().contains("The call was lost."));

                steps.at("Each call was told to the webhook as it started and ended, the end with its record.");
                List<Receiver.Request> told = hooks.await("/calls", 6, Duration.ofSeconds(20));
                List<String> types = told.stream().map(r -> new JsonObject(r.body()).getString("type")).toList();
                assertThat(types).containsExactlyInAnyOrder("call.started", "call.ended", "call.started", "call.ended", "call.started",
                        "call.ended");
                JsonObject firstEnd = told.stream().map(r -> new JsonObject(r.body())).filter(m -> m.getString("type").equals("call.ended"))
                        .map(m -> m.getJsonObject("data").getJsonObject("call"))
                        .filter(c -> c.getString("callId").equals(first.getString("callId"))).findFirst().orElseThrow();
                assertThat(firstEnd.getString("endReason")).isEqualTo("agent_hung_up");
                assertThat(firstEnd.getLong("durationSeconds")).isGreaterThan(0);

                steps.at("The visit lists its calls' records.");
                JsonObject visits = new JsonObject(server.request("GET", "/api/visits?visitorId=" + visitorId, null, "X-Tippen-API-Key",
                        site.secretKey()).body());
                JsonArray visitCalls = visits.getJsonArray("visits").getJsonObject(0).getJsonArray("calls");
                assertThat(visitCalls.size()).isEqualTo(3);
                assertThat(visitCalls.stream().map(c -> ((JsonObject) c).getString("endReason")).toList())
                        .containsExactlyInAnyOrder("agent_hung_up", "visitor_hung_up", "lost");

                steps.at("The visitor's profile in the console lists the calls, with the feedback as text.");
                agent.get(server.base + "/console?visitor=" + visitorId);
                agentWait.until(d -> d.findElements(By.cssSelector("ul.calls li")).size() == 3);
                String listed = agent.findElement(By.cssSelector("ul.calls")).getText();
                assertThat(listed).contains("Call with Ann Agent").contains("agent hung up").contains("visitor hung up").contains("lost")
                        .contains("hot · 5/5 · Wants a demo <b>next week</b>");

                steps.at("The report counts the agent's calls.");
                JsonObject report = new JsonObject(server.request("GET", "/api/reports/agents", null, "X-Tippen-API-Key",
                        site.secretKey()).body());
                JsonObject ann = report.getJsonArray("rows").getJsonObject(0);
                assertThat(ann.getLong("calls")).isEqualTo(3);
                assertThat(ann.getLong("callsConnected")).isEqualTo(3);
                assertThat(ann.getDouble("connectRate")).isEqualTo(1.0);
                assertThat(ann.getDouble("meanCallSeconds")).isGreaterThan(0);
            } catch (Throwable t) {
                for (int i = 0; i < drivers.size(); i++) {
                    try {
                        Files.write(Path.of("target/call-failed-" + i + ".png"), drivers.get(i).getScreenshotAs(OutputType.BYTES));
                    } catch (RuntimeException ignored) {
                        // a browser that is gone has no screenshot
                    }
                }
                throw steps.failed(t);
            } finally {
                drivers.forEach(WebDriver::quit);
                pages.stop(0);
            }
        }
    }

    static ChromeDriver browser(List<ChromeDriver> drivers) throws Exception {
        ChromeDriver d = BrowserTest.chrome(FAKE_MEDIA);
        drivers.add(d);
        d.manage().window().setSize(new Dimension(1400, 900));
        return d;
    }

    static void invite(ChromeDriver agent, WebDriverWait wait, String visitorId) {
        wait.until(d -> d.findElement(By.cssSelector("tr[data-visitor='" + visitorId + "'] button.invite"))).click();
        WebElement url = wait.until(d -> d.findElement(By.id("guest-url")));
        assertThat(url.getAttribute("value")).isEmpty();
        agent.findElement(By.xpath("//button[text()='Send invite']")).click();
        wait.until(d -> d.findElement(By.cssSelector(".call-view")).getText().contains("Waiting for the visitor"));
    }

    static void joinFromPage(ChromeDriver visitor, WebDriverWait wait) {
        WebElement host = wait.until(d -> d.findElement(By.id("tippen-video-modal")));
        SearchContext overlay = host.getShadowRoot();
        wait.until(d -> overlay.findElement(By.cssSelector("[data-tippen-action=join]"))).click();
        WebElement frame = wait.until(d -> overlay.findElement(By.cssSelector("iframe")));
        assertThat(frame.getDomAttribute("allow")).startsWith("camera http://127.0.0.1:").doesNotContain("*");
        assertThat(frame.getDomAttribute("src")).contains("/call/").contains("#");
    }

    /** Runs {@code check} inside the overlay's call frame until it holds. */
    static void inCallFrame(ChromeDriver visitor, WebDriverWait wait, java.util.function.Function<WebDriver, Boolean> check) {
        wait.until(d -> {
            d.switchTo().defaultContent();
            SearchContext overlay = d.findElement(By.id("tippen-video-modal")).getShadowRoot();
            d.switchTo().frame(overlay.findElement(By.cssSelector("iframe")));
            try {
                return check.apply(d);
            } finally {
                d.switchTo().defaultContent();
            }
        });
    }

    /** Both sides decode the other's video, and their count rises. */
    static void bothSeeVideo(ChromeDriver agent, ChromeDriver visitor, WebDriverWait agentWait, WebDriverWait visitorWait) throws Exception {
        agentWait.until(d -> d.findElement(By.cssSelector(".call-view")).getText().contains("Connected"));
        inCallFrame(visitor, visitorWait, d -> {
            d.findElement(By.id("camera")).click();
            return true;
        });
        WebDriverWait tenSeconds = new WebDriverWait(agent, Duration.ofSeconds(10));
        long agentFrames = tenSeconds.until(d -> frames(d) > 0 ? frames(d) : null);
        long[] visitorFrames = {0};
        inCallFrame(visitor, new WebDriverWait(visitor, Duration.ofSeconds(10)), d -> (visitorFrames[0] = frames(d)) > 0);
        Thread.sleep(2500);
        assertThat(frames(agent)).as("the agent decodes more of the visitor's frames").isGreaterThan(agentFrames);
        long[] later = {0};
        inCallFrame(visitor, visitorWait, d -> (later[0] = frames(d)) > visitorFrames[0]);
        assertThat(later[0]).as("the visitor decodes more of the agent's frames").isGreaterThan(visitorFrames[0]);
    }

    static long frames(WebDriver d) {
        Object n = ((JavascriptExecutor) d).executeScript(
                "return window.tippenCall && window.tippenCall.stats ? window.tippenCall.stats.framesDecoded : 0");
        return n == null ? 0 : ((Number) n).longValue();
    }

    static JsonObject liveRow(TestServer server, KeyStore.CreatedSite site, String visitorId) {
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            JsonArray list = dash.next("INITIAL_VISITORS").getJsonArray("visitors");
            for (int i = 0; i < list.size(); i++) {
                if (visitorId.equals(list.getJsonObject(i).getString("visitorId"))) return list.getJsonObject(i);
            }
        }
        throw new AssertionError("visitor " + visitorId + " is not live");
    }

    /**
     * The newest call once {@code count} calls are listed and {@code ready} holds of it, within 20 s: the
     * list comes from the history, which may not have the call just made yet, only the one before it.
     */
    static JsonObject awaitCall(TestServer server, KeyStore.CreatedSite site, int count, java.util.function.Predicate<JsonObject> ready)
            throws InterruptedException {
        long until = System.nanoTime() + 20_000_000_000L;
        JsonObject last = null;
        while (System.nanoTime() < until) {
            TestServer.Response r = server.request("GET", "/api/calls", null, "X-Tippen-API-Key", site.secretKey());
            if (r.status() == 200) {
                JsonArray calls = r.json().getJsonArray("calls");
                if (calls.size() >= count) {
                    last = calls.getJsonObject(0);
                    if (ready.test(last)) return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such call within 20 s; last seen: " + last);
    }

    static Map<String, Object> none() {
        return Map.of();
    }
}
