package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A dashboard that asks for its list in parts (the console) gets the most recently active visitors
 * first and the rest after, every visitor once and before any update; the original's dashboards
 * still get one complete INITIAL_VISITORS. One that asks for trails one at a time gets visitors
 * without them, and a visitor's trail when it asks.
 */
class GreetingInPartsTest {

    @Test
    void theFirstScreenComesFirstAndTheRestAfter() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Busy");
            int n = 450;
            for (int i = 0; i < n; i++) assertThat(server.track(site.publicKey(), "pageview", "v_" + i).status()).isEqualTo(200);
            try (TestServer.Socket console = server.socket("/ws/dashboard?removals=true&parts=true&apiKey=" + site.secretKey());
                 TestServer.Socket original = server.originalDashboard(site.secretKey())) {
                // An update sent while the parts go out comes after all of them.
                assertThat(server.track(site.publicKey(), "pageview", "v_late").status()).isEqualTo(200);

                JsonObject first = console.next();
                assertThat(first.getString("type")).isEqualTo("INITIAL_VISITORS");
                assertThat(first.getBoolean("more")).isTrue();
                JsonArray firstScreen = first.getJsonArray("visitors");
                assertThat(firstScreen.size()).isEqualTo(200);
                // The most recently active first: the last tracked are on the first screen.
                Set<String> ids = new HashSet<>();
                firstScreen.forEach(v -> ids.add(((JsonObject) v).getString("visitorId")));
                assertThat(ids).contains("v_" + (n - 1));
                boolean more = true;
                int messages = 1;
                while (more) {
                    JsonObject m = console.next();
                    if (m.getString("type").equals("VISITOR_UPDATE")) {
                        assertThat(ids).as("an update came before the list was whole").hasSizeGreaterThanOrEqualTo(n);
                        continue;
                    }
                    assertThat(m.getString("type")).isEqualTo("VISITORS_MORE");
                    m.getJsonArray("visitors").forEach(v -> assertThat(ids.add(((JsonObject) v).getString("visitorId"))).isTrue());
                    more = m.getBoolean("more");
                    messages++;
                }
                assertThat(ids).hasSizeGreaterThanOrEqualTo(n);
                assertThat(messages).isEqualTo(3);

                JsonObject whole = original.next("INITIAL_VISITORS");
                assertThat(whole.containsKey("more")).isFalse();
                assertThat(whole.getJsonArray("visitors").size()).isGreaterThanOrEqualTo(n);
            }
        }
    }

    @Test
    void aConsoleGetsVisitorsWithoutTrailsAndAsksForTheOneItShows() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Trails");
            assertThat(server.track(site.publicKey(), "pageview", "v_1").status()).isEqualTo(200);
            try (TestServer.Socket console = server.socket("/ws/dashboard?removals=true&parts=true&trails=false&apiKey=" + site.secretKey());
                 TestServer.Socket original = server.originalDashboard(site.secretKey())) {
                JsonObject first = console.next("INITIAL_VISITORS").getJsonArray("visitors").getJsonObject(0);
                assertThat(first.containsKey("trail")).isFalse();
                assertThat(first.getString("visitId")).isNotNull();
                assertThat(original.next("INITIAL_VISITORS").getJsonArray("visitors").getJsonObject(0).getJsonArray("trail").size()).isEqualTo(1);

                assertThat(server.track(site.publicKey(), "pageview", "v_1").status()).isEqualTo(200);
                assertThat(console.next("VISITOR_UPDATE").getJsonObject("visitor").containsKey("trail")).isFalse();
                assertThat(original.next("VISITOR_UPDATE").getJsonObject("visitor").getJsonArray("trail").size()).isEqualTo(2);

                console.send("{\"type\":\"GET_TRAIL\",\"visitorId\":\"v_1\"}");
                JsonObject trail = console.next("VISITOR_TRAIL");
                assertThat(trail.getString("visitorId")).isEqualTo("v_1");
                assertThat(trail.getString("visitId")).isEqualTo(first.getString("visitId"));
                assertThat(trail.getJsonArray("trail").size()).isEqualTo(2);

                console.send("{\"type\":\"GET_TRAIL\",\"visitorId\":\"nobody\"}");
                JsonObject gone = console.next("VISITOR_TRAIL");
                assertThat(gone.getJsonArray("trail")).isEmpty();
                assertThat(gone.getString("visitId")).isNull();

                console.send("{\"type\":\"GET_TRAIL\",\"visitorId\":\"<script>\"}");
                assertThat(console.next("ERROR").getString("error")).contains("visitorId");
            }
        }
    }
}
