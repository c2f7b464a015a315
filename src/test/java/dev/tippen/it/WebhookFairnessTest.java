package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.RateLimit;
import dev.tippen.config.WebhookOptions;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One site cannot starve every site's webhooks: a site holds at most a share of the sender threads,
 * and its test deliveries are rate-limited.
 */
class WebhookFairnessTest {
    private static TestServer start(RateLimit tests) {
        return TestServer.start(c -> c.withRates(c.rates().with(b -> b.webhookTestsPerSite = tests))
                .with(b -> b.webhooks = WebhookOptions.defaults().allowingLocal()));
    }

    @Test
    void aSiteWithSlowReceiversLeavesSendersForTheOthers() throws Exception {
        try (Receiver slow = new Receiver(r -> {
                    TestServer.sleep(3_000);
                    return Receiver.Reply.ok();
                });
             Receiver fast = new Receiver(r -> Receiver.Reply.ok());
             TestServer server = start(null)) {
            KeyStore.CreatedSite noisy = server.createSite("Noisy");
            KeyStore.CreatedSite quiet = server.createSite("Quiet");
            List<String> slowIds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slowIds.add(WebhookTest.create(server, noisy.secretKey(), new JsonObject().put("url", slow.url("/slow" + i))).getString("id"));
            }
            String quietId = WebhookTest.create(server, quiet.secretKey(), new JsonObject().put("url", fast.url("/fast"))).getString("id");
            for (int round = 0; round < 5; round++) {
                for (String id : slowIds) {
                    assertThat(WebhookTest.api(server, noisy.secretKey(), "POST", "/api/webhooks/" + id + "/test", null).status()).isEqualTo(202);
                }
            }
            TestServer.eventually("the noisy site's senders are busy", Duration.ofSeconds(10), () -> slow.requests.size() >= 2);
            long asked = System.currentTimeMillis();
            assertThat(WebhookTest.api(server, quiet.secretKey(), "POST", "/api/webhooks/" + quietId + "/test", null).status()).isEqualTo(202);
            fast.await("/fast", 1, Duration.ofSeconds(10));
            long tookMillis = fast.at("/fast").get(0).at() - asked;
            System.out.printf("webhook fairness: the quiet site's test arrived after %d ms while the noisy site's receivers slept 3 s each%n",
                    tookMillis);
            // Without a share the noisy site holds all eight senders for 3 s at a time.
            assertThat(tookMillis).isLessThan(2_500);
            // At most its share (a quarter of 8) of the noisy site's requests were ever in flight at once.
            assertThat(slow.requests.size()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void testDeliveriesAreRateLimitedPerSite() throws Exception {
        try (Receiver rx = new Receiver(r -> Receiver.Reply.ok()); TestServer server = start(new RateLimit(1, 5))) {
            KeyStore.CreatedSite site = server.createSite("Tester");
            String id = WebhookTest.create(server, site.secretKey(), new JsonObject().put("url", rx.url("/t"))).getString("id");
            int accepted = 0;
            int limited = 0;
            for (int i = 0; i < 20; i++) {
                int status = WebhookTest.api(server, site.secretKey(), "POST", "/api/webhooks/" + id + "/test", null).status();
                if (status == 202) accepted++;
                if (status == 429) limited++;
            }
            assertThat(accepted).isBetween(5, 6);
            assertThat(limited).isGreaterThanOrEqualTo(14);
        }
    }
}
