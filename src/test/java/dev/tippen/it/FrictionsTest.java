package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.app.App;
import dev.tippen.bench.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a newcomer ran into in a first hour with the server, each fixed and kept fixed. */
class FrictionsTest {

    @Test
    void theDemoKeyWorksOnlyWhileTheServerRunsWithDemo() throws Exception {
        Path dir = Files.createTempDirectory("tippen-demo");
        try (TestServer demo = TestServer.start(dir, c -> c)) {
            assertThat(demo.track(App.DEMO_KEY, "pageview", "v1").status()).isEqualTo(200);
        }
        try (LogCapture log = new LogCapture(App.class);
             TestServer plain = TestServer.start(dir, c -> c.withDemo(false))) {
            TestServer.Response r = plain.track(App.DEMO_KEY, "pageview", "v1");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.error()).contains("--demo");
            assertThat(plain.refusedUpgrade("/ws/dashboard?apiKey=" + App.DEMO_KEY)).isEqualTo(403);
            assertThat(log.any("event=demo_site_disabled")).as("the server says so").isTrue();
        }
    }

    @Test
    void headIsAnsweredOnHealthReadinessAndMetrics() {
        try (TestServer server = TestServer.start()) {
            for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
                TestServer.Response r = server.request("HEAD", path, null);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(r.body()).isEmpty();
            }
        }
    }

    @Test
    void metricsCanSitBehindABearerToken() {
        try (TestServer server = TestServer.start(c -> c.with(b -> b.metricsToken = "t0ken-for-scrapers"))) {
            TestServer.Response open = server.get("/metrics");
            assertThat(open.status()).isEqualTo(401);
            assertThat(open.error()).contains("--metrics-token");
            assertThat(server.request("GET", "/metrics", null, "Authorization", "Bearer wrong").status()).isEqualTo(401);
            TestServer.Response ok = server.request("GET", "/metrics", null, "Authorization", "Bearer t0ken-for-scrapers");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("tippen_live_visitors");
        }
    }

    @Test
    void aRedisThatMayEvictIsCalledOutAtStart() throws Exception {
        try (RedisProcess redis = RedisServer.start()) {
            redis.command("CONFIG SET maxmemory-policy allkeys-lru");
            try (LogCapture log = new LogCapture(Class.forName("dev.tippen.engine.redis.RedisLink"));
                 TestServer server = TestServer.start(c -> c.withRedis(redis.url()))) {
                assertThat(log.lines()).anyMatch(l -> l.contains("event=redis_evicts") && l.contains("allkeys-lru"));
            }
            redis.command("CONFIG SET maxmemory-policy noeviction");
            try (LogCapture log = new LogCapture(Class.forName("dev.tippen.engine.redis.RedisLink"));
                 TestServer server = TestServer.start(c -> c.withRedis(redis.url()))) {
                assertThat(log.lines()).noneMatch(l -> l.contains("event=redis_evicts") || l.contains("redis_policy_unknown"));
            }
        }
    }
}
