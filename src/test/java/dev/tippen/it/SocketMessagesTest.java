package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.RateLimit;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a socket's peer sends is bounded per socket: past the allowance messages are dropped, with
 * one ERROR a second at most; and GET_VISITORS, which costs a whole list, is paced to one list per
 * two seconds, the requests in between sharing the next.
 */
class SocketMessagesTest {
    @Test
    void aFloodOfPingsIsDroppedPastTheAllowanceWithOneErrorASecond() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withRates(c.rates().with(b -> b.socketMessages = new RateLimit(5, 20))))) {
            KeyStore.CreatedSite site = server.createSite("Chatty");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                for (int i = 0; i < 200; i++) dash.send("{\"type\":\"PING\"}");
                List<JsonObject> answers = drain(dash, 1_500);
                long pongs = answers.stream().filter(m -> "PONG".equals(m.getString("type"))).count();
                long errors = answers.stream().filter(m -> "ERROR".equals(m.getString("type"))).count();
                assertThat(pongs).as("pongs for the burst and what refilled").isBetween(20L, 30L);
                assertThat(errors).as("refusals told at most once a second").isBetween(1L, 2L);
                assertThat(answers.stream().filter(m -> "ERROR".equals(m.getString("type"))).findFirst().orElseThrow().getString("error"))
                        .contains("too many messages");
            }
            assertThat(server.metric("tippen_rate_limited_total{limit=\"socket_messages\"}")).isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void aVisitorSocketIsBoundedToo() throws Exception {
        try (TestServer server = TestServer.start(c -> c.withRates(c.rates().with(b -> b.socketMessages = new RateLimit(5, 20))))) {
            KeyStore.CreatedSite site = server.createSite("Chatty");
            try (TestServer.Socket v = server.visitor(site.publicKey(), "v_chatty")) {
                v.next("CONNECTED");
                for (int i = 0; i < 200; i++) v.send("{\"type\":\"PING\"}");
                long pongs = drain(v, 1_500).stream().filter(m -> "PONG".equals(m.getString("type"))).count();
                assertThat(pongs).isBetween(20L, 30L);
            }
        }
    }

    @Test
    void getVisitorsIsPacedAndTheRequestsBetweenShareOneList() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Lists");
            for (int i = 0; i < 20; i++) server.track(site.publicKey(), "pageview", "v_" + i);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                for (int i = 0; i < 50; i++) dash.send("{\"type\":\"GET_VISITORS\"}");
                List<JsonObject> within = drain(dash, 3_000);
                long lists = within.stream().filter(m -> "VISITOR_LIST".equals(m.getString("type"))).count();
                // One at once (the last list was the greeting: paced, it waits), then one for all the rest.
                assertThat(lists).as("lists in the first 3 s for 50 requests").isBetween(1L, 2L);
                assertThat(TestServer.ids(within.stream().filter(m -> "VISITOR_LIST".equals(m.getString("type"))).findFirst().orElseThrow()))
                        .hasSize(20);
                // Every request after the first was paced: answered later, and counted as such.
                assertThat(server.metric("tippen_rate_limited_total{limit=\"get_visitors_paced\"}")).isGreaterThanOrEqualTo(49);
            }
        }
    }

    private static List<JsonObject> drain(TestServer.Socket s, long millis) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            JsonObject m = s.messages.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (m != null) out.add(m);
        }
        return out;
    }
}
