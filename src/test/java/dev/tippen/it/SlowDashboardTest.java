package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A dashboard on a slow line, reading all the while but slower than a busy site changes: it is not
 * closed for its pace. While its backlog passes half its write budget its updates are left out, and
 * once it has taken the backlog it is sent the whole list; what it ends up showing is every
 * visitor's latest state. (One that stops reading altogether is closed: FanoutTest.)
 */
class SlowDashboardTest {
    static final int VISITORS = 100;
    static final int PAGE_VIEWS = 1_500;

    @Test
    void aDashboardThatReadsSlowlyIsBroughtUpToDateNotClosed() throws Exception {
        // A 128 KB budget: a slow reader's backlog passes half of it once the kernel's buffers are full.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().withSocketWriteQueueBytes(128 * 1024)))) {
            KeyStore.CreatedSite site = server.createSite("Busy");
            List<RawSocket.Message> received = new CopyOnWriteArrayList<>();
            AtomicBoolean slow = new AtomicBoolean(true);
            try (RawSocket dash = RawSocket.open(server.app.port(), "/ws/dashboard?apiKey=" + site.secretKey() + "&removals=true", 8 * 1024)) {
                Thread reader = new Thread(() -> {
                    try {
                        // Bounded: ends at the first silence of two seconds once the site is quiet, or at a close.
                        while (true) {
                            RawSocket.Message m = dash.next(slow.get() ? 10_000 : 2_000);
                            if (m == null) return;
                            received.add(m);
                            if (m.opcode() != RawSocket.TEXT) return;
                            if (slow.get()) Thread.sleep(10);
                        }
                    } catch (SocketTimeoutException quiet) {
                        // done
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "slow-dashboard");
                reader.start();
                // Every page view is an update of a visitor whose page and trail carry long addresses.
                String longPath = "/" + "p".repeat(1_500);
                Map<String, String> latest = new HashMap<>();
                for (int i = 0; i < PAGE_VIEWS; i++) {
                    String id = "slow_" + (i % VISITORS);
                    String url = "https://example.com/" + i + longPath;
                    assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", id, url), "Content-Type", "application/json",
                            "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
                    latest.put(id, url);
                }
                slow.set(false);
                reader.join(60_000);
                assertThat(reader.isAlive()).isFalse();

                assertThat(received).as("messages").isNotEmpty().allSatisfy(m -> assertThat(m.opcode())
                        .as("not closed (status %d)", m.closeStatus()).isEqualTo(RawSocket.TEXT));
                assertThat(server.metric("tippen_dashboards_behind_total")).as("it fell behind").isGreaterThanOrEqualTo(1);
                assertThat(server.metric("tippen_rate_limited_total{limit=\"socket_write_budget\"}")).as("and was not closed").isZero();
                // What it shows: the lists replace everything, the updates one visitor each, in the order sent.
                Map<String, String> shown = new HashMap<>();
                int lists = 0;
                for (RawSocket.Message m : received) {
                    JsonObject message = new JsonObject(m.text());
                    String type = message.getString("type");
                    if (type.equals("INITIAL_VISITORS") || type.equals("VISITOR_LIST")) {
                        if (type.equals("VISITOR_LIST")) lists++;
                        shown.clear();
                        message.getJsonArray("visitors").forEach(v -> shown.put(((JsonObject) v).getString("visitorId"),
                                ((JsonObject) v).getString("url")));
                    } else if (type.equals("VISITOR_UPDATE")) {
                        JsonObject v = message.getJsonObject("visitor");
                        shown.put(v.getString("visitorId"), v.getString("url"));
                    }
                }
                assertThat(lists).as("lists sent in place of the updates it could not take").isGreaterThanOrEqualTo(1);
                assertThat(shown).isEqualTo(latest);
            }
        }
    }

    @Test
    void aDashboardThatKeepsUpIsNotSentListAfterList() throws Exception {
        // 150 visitors with long addresses: a list of about 250 KB, sent whole, past a 128 KB budget.
        // Behind once, a dashboard gets one list and then keeps up; were the list counted in the backlog
        // of the updates that follow it, each list would call for the next for as long as the site is busy.
        try (TestServer server = TestServer.start(c -> c.withLimits(c.limits().withSocketWriteQueueBytes(128 * 1024)))) {
            KeyStore.CreatedSite site = server.createSite("Big");
            String longPath = "/" + "q".repeat(1_500);
            for (int i = 0; i < 150; i++) {
                assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", "big_" + i, "https://example.com/" + i + longPath),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
            }
            AtomicBoolean busy = new AtomicBoolean(true);
            Thread traffic = new Thread(() -> {
                // Bounded: 2,000 page views, while the dashboard joins, pauses and reads.
                for (int i = 0; i < 2_000 && busy.get(); i++) {
                    server.post("/track/visitor", TestServer.trackBody("pageview", "big_" + (i % 150), "https://example.com/n" + i + longPath),
                            "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey());
                }
            }, "big-site-traffic");
            traffic.start();
            int lists = 0;
            int messages = 0;
            try (RawSocket dash = RawSocket.open(server.app.port(), "/ws/dashboard?apiKey=" + site.secretKey() + "&removals=true", 8 * 1024)) {
                try {
                    // A moment away (a tab in the background): it falls behind once, then reads at full speed.
                    Thread.sleep(2_000);
                    while (true) {
                        RawSocket.Message m = dash.next(traffic.isAlive() ? 10_000 : 2_000);
                        if (m == null) break;
                        assertThat(m.opcode()).as("not closed (status %d: %s)", m.closeStatus(), m.text()).isEqualTo(RawSocket.TEXT);
                        messages++;
                        if ("VISITOR_LIST".equals(new JsonObject(m.text()).getString("type"))) lists++;
                    }
                } catch (SocketTimeoutException quiet) {
                    // the site went quiet
                } finally {
                    busy.set(false);
                    traffic.join(60_000);
                }
            }
            assertThat(messages).isGreaterThan(100);
            System.out.printf("a dashboard back from a pause: %d lists among %d messages%n", lists, messages);
            assertThat(lists).as("lists among %d messages", messages).isBetween(1, 3);
        }
    }
}
