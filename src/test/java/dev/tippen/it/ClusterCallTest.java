package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A call across two nodes on a real redis-server, relayed by a real coturn: the agent's console is on
 * node A, the visitor's page and its call on node B, and with --call-relay-only the pair the browsers
 * pick is relay to relay. coturn refuses credentials past their expiry.
 */
class ClusterCallTest {
    static final String SECRET = "turn-secret-for-this-test";

    @Test
    void anAgentOnOneNodeCallsAVisitorOnAnotherThroughTurn() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(BrowserTest.CHROMIUM) && Files.isExecutable(BrowserTest.CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
        try (TurnServer turn = TurnServer.start(SECRET);
             TestServer cluster = TestServer.cluster(2, c -> c.withEnrich(c.enrich().withPrivacy(false, true)).with(b -> b.calls =
                     new TippenConfig.CallOptions(List.of(), List.of(turn.url()), SECRET, Duration.ofMinutes(10), true)))) {
            KeyStore.CreatedSite site = cluster.createSite("Two nodes");
            TestServer nodeA = cluster.on(0);
            TestServer nodeB = cluster.on(1);
            nodeB.waitForKey(site.publicKey());
            HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String page = "<!doctype html><html><head><title>Docs</title></head><body><h1>Docs</h1>"
                    + "<script src=\"" + nodeB.base + "/tippen-tracker.js\" data-tippen-api-key=\"" + site.publicKey() + "\"></script></body></html>";
            pages.createContext("/docs", ex -> BrowserTest.respond(ex, page));
            pages.start();
            List<ChromeDriver> drivers = new ArrayList<>();
            Steps steps = new Steps();
            try {
                steps.at("The agent opens the console on node A with the site's key.");
                ChromeDriver agent = CallTest.browser(drivers);
                WebDriverWait agentWait = new WebDriverWait(agent, Duration.ofSeconds(15));
                agent.get(nodeA.base + "/console");
                ConsoleTest.signIn(agent, agentWait, site.secretKey());

                steps.at("The visitor's page talks to node B; the agent invites it from node A, it joins.");
                ChromeDriver visitor = CallTest.browser(drivers);
                WebDriverWait visitorWait = new WebDriverWait(visitor, Duration.ofSeconds(15));
                visitor.get("http://127.0.0.1:" + pages.getAddress().getPort() + "/docs");
                String visitorId = visitorWait.until(d -> (String) ((JavascriptExecutor) d).executeScript(
                        "return window.__tippen && window.__tippen.visitorId"));
                long t0 = System.nanoTime();
                CallTest.invite(agent, agentWait, visitorId);
                CallTest.joinFromPage(visitor, visitorWait);
                CallTest.bothSeeVideo(agent, visitor, agentWait, visitorWait);
                System.out.printf("cluster call: both sides decoding video through TURN %.1f s after the invite%n", (System.nanoTime() - t0) / 1e9);
                Files.write(Path.of("target/call-cluster-agent.png"), agent.getScreenshotAs(OutputType.BYTES));

                steps.at("With --call-relay-only the pair in use is relay to relay, on both sides.");
                assertThat(pair(agent)).isEqualTo(Map.of("local", "relay", "remote", "relay"));
                Object[] visitorPair = {null};
                CallTest.inCallFrame(visitor, visitorWait, d -> (visitorPair[0] = pair(d)) != null);
                assertThat(visitorPair[0]).isEqualTo(Map.of("local", "relay", "remote", "relay"));

                steps.at("coturn gives a relay for fresh credentials and refuses expired ones.");
                long now = System.currentTimeMillis() / 1000;
                assertThat(relayCandidates(agent, turn, (now + 600) + ":fresh")).as(turn.log()).isPositive();
                assertThat(relayCandidates(agent, turn, (now - 60) + ":expired")).isZero();

                steps.at("The visitor on node B hangs up on the call's page; the agent on node A hears it.");
                CallTest.inCallFrame(visitor, visitorWait, d -> {
                    d.findElement(org.openqa.selenium.By.id("hangup")).click();
                    return true;
                });
                agentWait.until(d -> d.findElement(org.openqa.selenium.By.cssSelector(".call-view.ended")).getText()
                        .contains("The visitor hung up."));
            } catch (Throwable t) {
                for (int i = 0; i < drivers.size(); i++) {
                    Files.write(Path.of("target/call-cluster-failed-" + i + ".png"), drivers.get(i).getScreenshotAs(OutputType.BYTES));
                }
                System.out.println(turn.log());
                throw steps.failed(t);
            } finally {
                drivers.forEach(WebDriver::quit);
                pages.stop(0);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pair(WebDriver d) {
        return (Map<String, Object>) ((JavascriptExecutor) d).executeScript(
                "return window.tippenCall && window.tippenCall.stats ? window.tippenCall.stats.pair : null");
    }

    /** How many relay candidates a fresh RTCPeerConnection gathers from the TURN server with these credentials. */
    static long relayCandidates(ChromeDriver d, TurnServer turn, String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(turn.secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String credential = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        Object n = d.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const pc = new RTCPeerConnection({ iceServers: [{ urls: arguments[0], username: arguments[1], credential: arguments[2] }],
                  iceTransportPolicy: 'relay' });
                let relays = 0;
                pc.onicecandidate = (e) => {
                  if (e.candidate && e.candidate.type === 'relay') relays++;
                  if (!e.candidate) { pc.close(); done(relays); }
                };
                pc.createDataChannel('probe');
                pc.createOffer().then((o) => pc.setLocalDescription(o));
                setTimeout(() => { pc.close(); done(relays); }, 15000);
                """, turn.url(), username, credential);
        return ((Number) n).longValue();
    }
}
