package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.RateLimit;
import dev.tippen.site.ConsoleSession;
import dev.tippen.site.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signing in to the console is throttled per address and per site; one site keeps a bounded number
 * of sessions, so it can neither fill the node's nor be locked out; a revoked key's sessions are gone.
 */
class ConsoleLimitsTest {
    private static TestServer.Response signIn(TestServer server, String key) {
        return server.post("/console/session", "{\"secretKey\":\"" + key + "\"}", "Origin", "http://127.0.0.1:" + server.app.port(),
                "Content-Type", "application/json");
    }

    private static String cookie(TestServer.Response r) {
        return r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    }

    @Test
    void wrongKeysFromOneAddressAreThrottled() {
        try (TestServer server = TestServer.start(c -> c.withRates(c.rates().with(b -> b.signInPerIp = new RateLimit(1, 10))))) {
            int refused = 0;
            int throttled = 0;
            for (int i = 0; i < 40; i++) {
                int status = signIn(server, "sk_wrong_" + i).status();
                if (status == 401) refused++;
                if (status == 429) throttled++;
            }
            assertThat(refused).isBetween(10, 11);
            assertThat(throttled).isGreaterThanOrEqualTo(29);
            assertThat(server.metric("tippen_rate_limited_total{limit=\"sign_in_ip\"}")).isGreaterThanOrEqualTo(29);
        }
    }

    @Test
    void signInsForOneSiteAreThrottled() {
        try (TestServer server = TestServer.start(c -> c.withRates(c.rates().with(b -> b.signInPerSite = new RateLimit(1, 5))))) {
            KeyStore.CreatedSite site = server.createSite("Busy");
            KeyStore.CreatedSite other = server.createSite("Quiet");
            int throttled = 0;
            for (int i = 0; i < 15; i++) if (signIn(server, site.secretKey()).status() == 429) throttled++;
            assertThat(throttled).isGreaterThanOrEqualTo(9);
            assertThat(signIn(server, other.secretKey()).status()).isEqualTo(200);
        }
    }

    @Test
    void aSiteKeepsItsShareOfSessionsAndTheOldestGiveWay() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Crowded");
            List<String> cookies = new ArrayList<>();
            for (int i = 0; i <= ConsoleSession.MAX_PER_SITE; i++) {
                TestServer.Response r = signIn(server, site.secretKey());
                assertThat(r.status()).isEqualTo(200);
                cookies.add(cookie(r));
            }
            try (KeyStore keys = server.keys()) {
                assertThat(keys.sessions().stream().filter(s -> s.siteId().equals(site.site().siteId()))).hasSize(ConsoleSession.MAX_PER_SITE);
            }
            TestServer.eventually("the oldest session ended", java.time.Duration.ofSeconds(5),
                    () -> server.request("GET", "/console/session", null, "Cookie", cookies.get(0)).status() == 401);
            assertThat(server.request("GET", "/console/session", null, "Cookie", cookies.get(cookies.size() - 1)).status()).isEqualTo(200);
        }
    }

    @Test
    void revokingTheKeyDeletesItsSessions() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Revoked");
            for (int i = 0; i < 3; i++) assertThat(signIn(server, site.secretKey()).status()).isEqualTo(200);
            try (KeyStore keys = server.keys()) {
                assertThat(keys.sessions()).hasSize(3);
                keys.rotateSecret(site.site().siteId());
                assertThat(keys.sessions()).isEmpty();
            }
        }
    }
}
