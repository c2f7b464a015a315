package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, opens a page on another origin that embeds /tippen-tracker.js: the
 * dashboard sees the visitor, an invite shows the overlay, Join opens the call and the dashboard sees it.
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void trackerShowsTheInviteAndJoinsTheCall() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        // Headless Chromium says so in its User-Agent, which makes it a bot; this server shows bots.
        try (TestServer server = TestServer.start(c -> c.withEnrich(c.enrich().withPrivacy(false, true)))) {
            KeyStore.CreatedSite site = server.createSite("Browser");
            HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            int pagePort = pages.getAddress().getPort();
            String page = "<!doctype html><html><head><title>Pricing</title>"
                    + "<style>div{display:none!important} button{color:red}</style></head><body><h1>Pricing</h1>"
                    + "<script src=\"http://127.0.0.1:" + server.app.port() + "/tippen-tracker.js\" data-tippen-api-key=\""
                    + site.publicKey() + "\"></script></body></html>";
            pages.createContext("/pricing", ex -> respond(ex, page));
            pages.createContext("/call", ex -> respond(ex, "<!doctype html><title>call</title><p>in call</p>"));
            pages.start();
            ChromeDriver driver = null;
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                driver = chrome();
                String pageUrl = "http://127.0.0.1:" + pagePort + "/pricing";
                driver.get(pageUrl);

                JsonObject seen = dash.next("VISITOR_UPDATE");
                assertThat(seen.getString("event")).isEqualTo("pageview");
                JsonObject visitor = seen.getJsonObject("visitor");
                assertThat(visitor.getString("url")).isEqualTo(pageUrl);
                assertThat(visitor.getString("title")).isEqualTo("Pricing");
                assertThat(visitor.getString("lastRole")).isEqualTo("Bot - HeadlessChrome");
                assertThat(visitor.getBoolean("bot")).isTrue();
                assertThat(visitor.getString("browser")).startsWith("HeadlessChrome ");
                String visitorId = visitor.getString("visitorId");

                // The tracker's socket may connect a moment after the page view; an invite sent before
                // it does is still delivered when it connects.
                String guestUrl = "http://localhost:" + pagePort + "/call";
                assertThat(server.invite(site.secretKey(), visitorId, guestUrl).status()).isEqualTo(200);

                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
                WebElement host = wait.until(d -> d.findElement(By.id("tippen-video-modal")));
                assertThat(host.isDisplayed()).as("the host page's CSS does not hide the overlay").isTrue();
                SearchContext overlay = host.getShadowRoot();
                overlay.findElement(By.cssSelector("[data-tippen-action=join]")).click();
                WebElement frame = wait.until(d -> overlay.findElement(By.cssSelector("iframe")));
                assertThat(frame.getDomAttribute("src")).isEqualTo(guestUrl);
                assertThat(frame.getDomAttribute("allow")).contains("camera").contains("microphone").contains("autoplay");

                JsonObject accepted;
                do {
                    accepted = dash.next("VISITOR_UPDATE");
                } while (!"video_accepted".equals(accepted.getString("event")));
                assertThat(accepted.getJsonObject("visitor").getString("status")).isEqualTo("in_call");
                assertThat(accepted.getJsonObject("visitor").getString("visitorId")).isEqualTo(visitorId);
            } finally {
                if (driver != null) driver.quit();
                pages.stop(0);
            }
        }
    }

    static ChromeDriver chrome(String... extra) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + profileDir());
        options.addArguments(extra);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** A fresh browser profile, deleted when the test JVM exits. */
    static Path profileDir() throws java.io.IOException {
        Path dir = Files.createTempDirectory("tippen-chromium");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        return dir;
    }

    static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    static void respond(com.sun.net.httpserver.HttpExchange ex, String html) throws java.io.IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }
}
