package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.Cidr;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console as a sales team sees it on a working day, in Debian's Chromium: companies found by the
 * IP data, several visitors on real-looking pages, one of them invited. At a wide screen every column
 * shows (the picture in the README is taken here, as target/console-demo.png); at 1024 px with a
 * visitor's detail open, Status, Company and Invite are still on screen, nothing scrolls sideways.
 */
class ConsoleLayoutTest {
    @TempDir
    Path ipData;

    record Page(String url, String title) {}

    record Visit(String id, String ip, String ua, String referrer, List<Page> pages) {}

    static final String MAC_CHROME = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    static final String WIN_EDGE = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0";
    static final String WIN_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    static final List<Visit> DAY = List.of(
            new Visit("v_northwind", "81.2.69.20", MAC_CHROME, "https://www.google.com/", List.of(
                    new Page("https://shop.example.com/", "Shop Example: field service software"),
                    new Page("https://shop.example.com/pricing", "Pricing | Shop Example"),
                    new Page("https://shop.example.com/pricing/enterprise", "Enterprise plan | Shop Example"))),
            new Visit("v_contoso", "51.140.10.7", WIN_EDGE, "https://www.linkedin.com/", List.of(
                    new Page("https://shop.example.com/?utm_source=linkedin&utm_medium=paid&utm_campaign=q4-launch", "Shop Example: field service software"),
                    new Page("https://shop.example.com/customers", "Customer stories | Shop Example"))),
            new Visit("v_fabrikam", "45.60.12.44", WIN_FIREFOX, "https://duckduckgo.com/", List.of(
                    new Page("https://shop.example.com/docs/getting-started", "Getting started | Docs"),
                    new Page("https://shop.example.com/docs/api", "API reference | Docs"),
                    new Page("https://shop.example.com/docs/integrations/salesforce", "Salesforce integration | Docs"),
                    new Page("https://shop.example.com/security", "Security and compliance | Shop Example"))),
            new Visit("v_globex", "92.154.3.9", MAC_CHROME, "", List.of(
                    new Page("https://shop.example.com/demo", "Book a demo | Shop Example"))),
            new Visit("v_initech", "104.44.7.77", WIN_EDGE, "https://www.bing.com/", List.of(
                    new Page("https://shop.example.com/compare/legacy-tools", "Shop Example vs. legacy tools"),
                    new Page("https://shop.example.com/pricing", "Pricing | Shop Example"))),
            new Visit("v_home", "73.22.100.5", IPHONE, "https://www.google.com/", List.of(
                    new Page("https://shop.example.com/blog/scheduling-tips", "Five scheduling tips | Blog"))),
            new Visit("v_umbrella", "151.101.66.61", MAC_CHROME, "https://news.ycombinator.com/", List.of(
                    new Page("https://shop.example.com/blog/offline-first", "How we built offline-first sync | Blog"),
                    new Page("https://shop.example.com/careers", "Careers | Shop Example"))));

    @Test
    void aWorkingDayReadsWellWideAndAt1024() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        Files.writeString(ipData.resolve("asn-ipv4.csv"), """
                81.2.69.0,81.2.69.255,64500,Northwind Traders GmbH
                51.140.0.0,51.140.255.255,64501,Contoso Ltd
                45.60.12.0,45.60.12.255,64502,"Fabrikam, Inc."
                92.154.0.0,92.154.255.255,64503,Globex Corporation SA
                104.44.7.0,104.44.7.255,64504,Initech LLC
                73.0.0.0,73.255.255.255,7922,"Comcast Cable Communications, LLC"
                151.101.66.0,151.101.66.255,64505,Umbrella Research Pty Ltd
                """);
        Files.writeString(ipData.resolve("geo-whois-asn-country-ipv4.csv"), """
                81.2.69.0,81.2.69.255,DE
                51.140.0.0,51.140.255.255,GB
                45.60.12.0,45.60.12.255,US
                92.154.0.0,92.154.255.255,FR
                104.44.7.0,104.44.7.255,US
                73.0.0.0,73.255.255.255,US
                151.101.66.0,151.101.66.255,AU
                """);
        try (TestServer server = TestServer.start(c -> c.withEnrich(c.enrich().withIpData(IpDataFiles.directory(ipData)))
                .withTrustedProxies(List.of(Cidr.parse("127.0.0.0/8")))
                .with(b -> b.callLinkTemplate = "https://meet.example.com/shop-sales/{visitorId}"))) {
            KeyStore.CreatedSite site = server.createSite("Shop Example");
            // Page by page, a couple of seconds apart, so the visits have some time on site; the first
            // of the list is tracked last in each round, so the invited visitor leads the list.
            for (int round = 0; round < 4; round++) {
                if (round > 0) Thread.sleep(2_000);
                for (int i = DAY.size() - 1; i >= 0; i--) {
                    Visit v = DAY.get(i);
                    if (round >= v.pages().size()) continue;
                    Page page = v.pages().get(round);
                    JsonObject body = new JsonObject().put("event", "pageview").put("website", "shop.example.com").put("visitor",
                            new JsonObject().put("visitorId", v.id()).put("url", page.url()).put("title", page.title()).put("userAgent", v.ua())
                                    .put("referrer", v.referrer()).put("language", "en-US").put("screenResolution", "1920x1080"));
                    assertThat(server.post("/track/visitor", body.encode(), "Content-Type", "application/json",
                            "X-Tippen-API-Key", site.publicKey(), "X-Forwarded-For", v.ip()).status()).isEqualTo(200);
                }
            }
            assertThat(server.invite(site.secretKey(), "v_northwind", "https://meet.example.com/shop-sales/v_northwind").status())
                    .isEqualTo(200);

            ChromeDriver driver = BrowserTest.chrome();
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
                driver.manage().window().setSize(new Dimension(1440, 900));
                driver.get(server.base + "/console");
                // The demo's hint on the sign-in page reads as a sentence.
                assertThat(wait.until(d -> d.findElement(By.cssSelector(".signin p.demo-hint"))).getText()).contains("and open the demo site in another tab");
                ConsoleTest.signIn(driver, wait, site.secretKey());
                wait.until(d -> d.findElements(By.cssSelector("tbody tr[data-visitor]")).size() == DAY.size());
                WebElement northwind = driver.findElement(By.cssSelector("tr[data-visitor=v_northwind]"));
                assertThat(northwind.getText()).contains("invited").contains("Northwind Traders GmbH").contains("DE");
                assertThat(driver.findElement(By.cssSelector("tr[data-visitor=v_home]")).getText()).contains("consumer ISP");
                assertThat((Boolean) ((JavascriptExecutor) driver).executeScript(
                        "const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth")).as("wide: every column fits").isTrue();
                // Let the charts take their first samples, then the picture.
                Thread.sleep(1_500);
                Files.createDirectories(Path.of("target"));
                Files.write(Path.of("target/console-demo.png"), driver.getScreenshotAs(OutputType.BYTES));

                // A laptop: 1024 px wide. Every row's Invite is on screen, and nothing scrolls sideways.
                driver.manage().window().setSize(new Dimension(1024, 768));
                JavascriptExecutor js = driver;
                long viewport = (Long) js.executeScript("return document.documentElement.clientWidth");
                wait.until(d -> (Boolean) js.executeScript("const w = document.querySelector('.table-wrap'); return w.scrollWidth <= w.clientWidth"));
                for (WebElement row : driver.findElements(By.cssSelector("tbody tr[data-visitor]"))) {
                    org.openqa.selenium.Rectangle r = row.findElement(By.cssSelector("button.invite")).getRect();
                    assertThat(r.getX() + r.getWidth()).as("Invite of %s on screen", row.getAttribute("data-visitor"))
                            .isLessThanOrEqualTo((int) viewport);
                }
                // A click anywhere on a row opens the detail, over the table: Status and Company stay in view
                // beside it, and the detail has its own Invite.
                driver.findElement(By.cssSelector("tr[data-visitor=v_fabrikam] td.num")).click();
                WebElement detail = wait.until(d -> d.findElement(By.cssSelector("aside.detail")));
                // The trail is asked for as the detail opens: its pages come a moment after the facts.
                wait.until(d -> !detail.findElements(By.cssSelector(".trail li")).isEmpty());
                assertThat(detail.getText()).contains("Fabrikam, Inc.").contains("Salesforce integration");
                assertThat(detail.findElement(By.cssSelector("button.invite")).isDisplayed()).isTrue();
                int detailLeft = detail.getRect().getX();
                for (WebElement row : driver.findElements(By.cssSelector("tbody tr[data-visitor]"))) {
                    for (String cell : List.of("td:nth-child(1)", "td:nth-child(2)")) {
                        org.openqa.selenium.Rectangle r = row.findElement(By.cssSelector(cell)).getRect();
                        assertThat(r.getX() >= 0 && r.getX() + r.getWidth() <= detailLeft)
                                .as("%s of %s beside the detail", cell, row.getAttribute("data-visitor")).isTrue();
                    }
                }
                Files.write(Path.of("target/console-1024-detail.png"), driver.getScreenshotAs(OutputType.BYTES));
            } finally {
                driver.quit();
            }
        }
    }
}
