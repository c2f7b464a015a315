package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A visitor clicking from page to page stays on the live list: the page being left sends its exit,
 * the next one its view, in either order, and neither a late exit nor the gap between them takes
 * the visitor off. Over HTTP for each case, then in Chromium with the served tracker and with a
 * tracker as the original pages had it (no page-load id).
 */
class NavigationTest {
    static final Duration GRACE = Duration.ofSeconds(10);

    static String body(String event, String visitorId, String url, String pageLoadId) {
        JsonObject v = new JsonObject().put("visitorId", visitorId).put("url", url).put("title", "Page");
        if (pageLoadId != null) v.put("pageLoadId", pageLoadId);
        return new JsonObject().put("event", event).put("website", "shop.example").put("visitor", v).encode();
    }

    static int send(TestServer server, String key, String body) {
        return server.post("/track/visitor", body, "Content-Type", "text/plain", "X-Tippen-API-Key", key).status();
    }

    @Test
    void aLateExitOfThePreviousPageIsIgnored() {
        try (TestServer server = TestServer.start(c -> c.with(b -> {
            b.exitGrace = Duration.ofMillis(500);
            b.sweepInterval = Duration.ofMillis(100);
        }))) {
            KeyStore.CreatedSite site = server.createSite("Late exits");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                // The served tracker: told apart by the page load.
                send(server, site.publicKey(), body("pageview", "v_served", "https://shop.example/a", "load-a"));
                send(server, site.publicKey(), body("pageview", "v_served", "https://shop.example/b", "load-b"));
                assertThat(send(server, site.publicKey(), body("exit", "v_served", "https://shop.example/a", "load-a"))).isEqualTo(200);
                // The original tracker: told apart by the page it names.
                send(server, site.publicKey(), body("pageview", "v_old", "https://shop.example/a", null));
                send(server, site.publicKey(), body("pageview", "v_old", "https://shop.example/b", null));
                assertThat(send(server, site.publicKey(), body("exit", "v_old", "https://shop.example/a", null))).isEqualTo(200);
                dash.assertNone("VISITOR_REMOVED", 500 + 100 + 700);
                dash.send("{\"type\":\"GET_VISITORS\"}");
                assertThat(TestServer.ids(dash.next("VISITOR_LIST"))).contains("v_served", "v_old");
            }
        }
    }

    @Test
    void anExitFollowedByTheNextPageCausesNoRemovalAndARealExitDoes() {
        try (TestServer server = TestServer.start(c -> c.with(b -> {
            b.exitGrace = GRACE;
            b.sweepInterval = Duration.ofMillis(200);
        }))) {
            KeyStore.CreatedSite site = server.createSite("Clicks");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                send(server, site.publicKey(), body("pageview", "v_click", "https://shop.example/a", null));
                assertThat(send(server, site.publicKey(), body("exit", "v_click", "https://shop.example/a", null))).isEqualTo(200);
                TestServer.sleep(300);
                send(server, site.publicKey(), body("pageview", "v_click", "https://shop.example/b", null));
                JsonObject next;
                do {
                    next = dash.next("VISITOR_UPDATE");
                } while (next.getJsonObject("visitor").getInteger("pageViews") < 2);
                dash.assertNone("VISITOR_REMOVED", 1500);
            }
        }
        // A real exit: the visitor goes once the grace is over.
        Duration grace = Duration.ofSeconds(1);
        Duration sweep = Duration.ofMillis(200);
        try (TestServer server = TestServer.start(c -> c.with(b -> {
            b.exitGrace = grace;
            b.sweepInterval = sweep;
        }))) {
            KeyStore.CreatedSite site = server.createSite("Leaving");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                send(server, site.publicKey(), body("pageview", "v_gone", "https://shop.example/a", "l1"));
                long exitAt = System.currentTimeMillis();
                send(server, site.publicKey(), body("exit", "v_gone", "https://shop.example/a", "l1"));
                JsonObject removed = dash.next("VISITOR_REMOVED");
                long took = System.currentTimeMillis() - exitAt;
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("v_gone");
                assertThat(removed.getString("reason")).isEqualTo("exit");
                // Never before the grace is over (how much later depends on the machine: the read above waits up to 10 s).
                assertThat(took).isGreaterThanOrEqualTo(grace.toMillis() - 50);
            }
        }
    }

    @Test
    void clickingThroughTwentyPagesKeepsTheVisitorOnTheListWithEitherTracker() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        // Headless Chromium is a bot by its User-Agent; this server shows bots so the test sees it.
        try (TestServer server = TestServer.start(c -> c.withEnrich(c.enrich().withPrivacy(false, true)).with(b -> {
            b.exitGrace = GRACE;
            b.sweepInterval = Duration.ofMillis(200);
        }))) {
            KeyStore.CreatedSite site = server.createSite("Navigation");
            String original;
            try (InputStream in = NavigationTest.class.getResourceAsStream("/tracker/original-tracker.js")) {
                original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String backend = "http://127.0.0.1:" + server.app.port();
            pages.createContext("/original-tracker.js", ex -> {
                byte[] js = original.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/javascript");
                ex.sendResponseHeaders(200, js.length);
                ex.getResponseBody().write(js);
                ex.close();
            });
            pages.createContext("/", ex -> {
                // /served/7 or /original/7: page 7 of 20, linking to page 8.
                String[] parts = ex.getRequestURI().getPath().split("/");
                String kind = parts[1];
                int n = Integer.parseInt(parts[2]);
                String tracker = kind.equals("served")
                        ? "<script src=\"" + backend + "/tippen-tracker.js\" data-tippen-api-key=\"" + site.publicKey() + "\"></script>"
                        : "<script src=\"/original-tracker.js\" data-api-key=\"" + site.publicKey() + "\" data-backend=\"" + backend + "\"></script>";
                BrowserTest.respond(ex, "<!doctype html><html><head><title>Page " + n + "</title></head><body><h1>Page " + n
                        + "</h1><a id=\"next\" href=\"/" + kind + "/" + (n + 1) + "\">Next</a>" + tracker + "</body></html>");
            });
            pages.start();
            String origin = "http://127.0.0.1:" + pages.getAddress().getPort();
            try {
                for (String kind : new String[] {"served", "original"}) clickThrough(server, site, origin, kind);
            } finally {
                pages.stop(0);
            }
        }
    }

    private static void clickThrough(TestServer server, KeyStore.CreatedSite site, String origin, String kind) throws Exception {
        ChromeDriver driver = BrowserTest.chrome();
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            dash.next("INITIAL_VISITORS");
            driver.get(origin + "/" + kind + "/1");
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            for (int n = 2; n <= 20; n++) {
                wait.until(ExpectedConditions.elementToBeClickable(By.id("next"))).click();
                wait.until(ExpectedConditions.titleIs("Page " + n));
            }
            String visitorId = null;
            long deadline = System.currentTimeMillis() + 10_000;
            int pageViews = 0;
            int removed = 0;
            while (pageViews < 20 && System.currentTimeMillis() < deadline) {
                JsonObject m = dash.messages.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (m == null) continue;
                if ("VISITOR_REMOVED".equals(m.getString("type"))) removed++;
                if ("VISITOR_UPDATE".equals(m.getString("type"))) {
                    visitorId = m.getJsonObject("visitor").getString("visitorId");
                    pageViews = m.getJsonObject("visitor").getInteger("pageViews");
                }
            }
            assertThat(pageViews).as("%s tracker: page views of the visit", kind).isEqualTo(20);
            assertThat(removed).as("%s tracker: the visitor never left the list", kind).isZero();
            // Nothing follows: the last page is still open, the exits of the others were late or called off.
            dash.assertNone("VISITOR_REMOVED", 1_500);
            dash.send("{\"type\":\"GET_VISITORS\"}");
            JsonObject list = dash.next("VISITOR_LIST");
            assertThat(TrackContractTest.visitor(list, visitorId).getString("status")).isEqualTo("active");
            assertThat(TrackContractTest.visitor(list, visitorId).getJsonArray("trail").size()).isEqualTo(20);
        } finally {
            driver.quit();
        }
    }
}
