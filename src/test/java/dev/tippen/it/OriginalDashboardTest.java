package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The original's dashboard, written here as it reads the socket: it knows INITIAL_VISITORS,
 * VISITOR_UPDATE, VISITOR_LIST, VIDEO_INVITE_SENT and PONG, and the statuses active, video_invited
 * and in_call. It sees a visitor arrive, move, get invited and leave, by an exit and by the TTL, its
 * list matching the server's after each step, and never a message or status it does not know. The
 * cluster variant runs the same on a node sharing Redis.
 */
class OriginalDashboardTest {
    static final Set<String> KNOWN_TYPES = Set.of("INITIAL_VISITORS", "VISITOR_UPDATE", "VISITOR_LIST", "VIDEO_INVITE_SENT", "PONG");
    static final Set<String> KNOWN_STATUSES = Set.of("active", "video_invited", "in_call");
    static final Duration TTL = Duration.ofSeconds(3);

    TestServer newServer(UnaryOperator<TippenConfig> tweak) {
        return TestServer.start(tweak);
    }

    /** The original dashboard's state: its visitors by id, replaced by lists and updated by updates. */
    static final class Model {
        final Map<String, JsonObject> visitors = new LinkedHashMap<>();
        final TestServer.Socket socket;
        int lists;

        Model(TestServer.Socket socket) {
            this.socket = socket;
        }

        /** Reads until a message of {@code type} (the ones before it applied too), checking each is known. */
        JsonObject until(String type) {
            while (true) {
                JsonObject m = socket.next();
                String t = m.getString("type");
                assertThat(KNOWN_TYPES).as("a message type the original knows: " + m.encode()).contains(t);
                if (t.equals("VISITOR_LIST")) lists++;
                if (t.equals("INITIAL_VISITORS") || t.equals("VISITOR_LIST")) {
                    visitors.clear();
                    m.getJsonArray("visitors").forEach(v -> put((JsonObject) v));
                } else if (t.equals("VISITOR_UPDATE")) {
                    put(m.getJsonObject("visitor"));
                }
                if (t.equals(type)) return m;
            }
        }

        private void put(JsonObject v) {
            assertThat(KNOWN_STATUSES).as("a status the original knows: " + v.encode()).contains(v.getString("status"));
            visitors.put(v.getString("visitorId"), v);
        }
    }

    @Test
    void aVisitorArrivesMovesIsInvitedAndLeavesAsTheOriginalToldIt() {
        try (TestServer server = newServer(c -> c.withTimes(TTL, Duration.ofMillis(300), Duration.ofMinutes(5)))) {
            KeyStore.CreatedSite site = server.createSite("Original");
            try (TestServer.Socket ws = server.originalDashboard(site.secretKey())) {
                Model dash = new Model(ws);
                dash.until("INITIAL_VISITORS");
                assertThat(dash.visitors).isEmpty();

                assertThat(server.trackOnPage(site.publicKey(), "pageview", "v_ann").status()).isEqualTo(200);
                dash.until("VISITOR_UPDATE");
                assertThat(dash.visitors).containsOnlyKeys("v_ann");
                assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", "v_ann", "https://example.com/pricing"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
                assertThat(dash.until("VISITOR_UPDATE").getJsonObject("visitor").getString("url")).isEqualTo("https://example.com/pricing");

                assertThat(server.invite(site.secretKey(), "v_ann", "https://meet.example.com/ann").status()).isEqualTo(200);
                dash.until("VIDEO_INVITE_SENT");
                while (!"video_invited".equals(dash.visitors.get("v_ann").getString("status"))) dash.until("VISITOR_UPDATE");

                // A second visitor, to leave by the TTL while the first leaves by an exit.
                assertThat(server.trackOnPage(site.publicKey(), "pageview", "v_bob").status()).isEqualTo(200);
                while (!dash.visitors.containsKey("v_bob")) dash.until("VISITOR_UPDATE");

                // The exit of the page the visitor is on (the original's key-carrying exit) takes effect after the grace.
                assertThat(server.post("/track/visitor", TestServer.trackBody("exit", "v_ann", "https://example.com/pricing"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
                // Each read waits up to 10 s: the grace is 300 ms here, a list follows within a second.
                while (dash.visitors.containsKey("v_ann")) dash.until("VISITOR_LIST");
                assertThat(dash.visitors).containsOnlyKeys("v_bob");
                assertThat(serverList(server, site)).containsExactlyInAnyOrderElementsOf(dash.visitors.keySet());

                // Bob says nothing more: the TTL removes him.
                while (!dash.visitors.isEmpty()) dash.until("VISITOR_LIST");
                assertThat(serverList(server, site)).isEmpty();

                ws.send("{\"type\":\"PING\"}");
                dash.until("PONG");
            }
        }
    }

    /** The original tracker's exit: a beacon as text/plain, with neither key nor website. */
    static String originalExitBeacon(String visitorId) {
        return new JsonObject().put("event", "exit").put("visitor", new JsonObject().put("visitorId", visitorId)
                .put("url", "https://example.com/p/pageview").put("timestamp", "2026-11-24T10:05:00Z")).encode();
    }

    @Test
    void aVisitorWhoseLastSocketClosesLeavesAfterTheGraceUnlessItComesBack() {
        try (TestServer server = newServer(c -> c)) {
            KeyStore.CreatedSite site = server.createSite("Tabs");
            try (TestServer.Socket ws = server.originalDashboard(site.secretKey());
                 TestServer.Socket console = server.dashboard(site.secretKey())) {
                Model dash = new Model(ws);
                dash.until("INITIAL_VISITORS");
                console.next("INITIAL_VISITORS");
                Map<String, TestServer.Socket> tabs = new LinkedHashMap<>();
                for (String v : java.util.List.of("v_ann", "v_bob", "v_cat", "v_dan")) {
                    assertThat(server.trackOnPage(site.publicKey(), "pageview", v).status()).isEqualTo(200);
                    TestServer.Socket tab = server.visitor(site.publicKey(), v);
                    tab.next("CONNECTED");
                    tabs.put(v, tab);
                }
                while (dash.visitors.size() < 4) dash.until("VISITOR_UPDATE");

                // Ann leaves as the original tracker does: its socket closes, then its key-less beacon is refused.
                tabs.get("v_ann").close();
                assertThat(server.post("/track/visitor", originalExitBeacon("v_ann"), "Content-Type", "text/plain;charset=UTF-8")
                        .status()).isEqualTo(401);
                // Bob's socket drops and comes straight back (a network blip).
                tabs.get("v_bob").close();
                TestServer.Socket bobAgain = server.visitor(site.publicKey(), "v_bob");
                bobAgain.next("CONNECTED");
                // Cat goes to the next page: the old page's socket closes, the new page's view and socket follow.
                tabs.get("v_cat").close();
                assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", "v_cat", "https://example.com/next"),
                        "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()).status()).isEqualTo(200);
                TestServer.Socket catAgain = server.visitor(site.publicKey(), "v_cat");
                catAgain.next("CONNECTED");

                while (dash.visitors.containsKey("v_ann")) dash.until("VISITOR_LIST");
                JsonObject removed = console.next("VISITOR_REMOVED");
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("v_ann");
                assertThat(removed.getString("reason")).isEqualTo("exit");

                // A probe whose socket closes after all of that: once it is gone, the others' grace is over too.
                assertThat(server.trackOnPage(site.publicKey(), "pageview", "v_probe").status()).isEqualTo(200);
                try (TestServer.Socket probe = server.visitor(site.publicKey(), "v_probe")) {
                    probe.next("CONNECTED");
                }
                while (!dash.visitors.containsKey("v_probe")) dash.until("VISITOR_UPDATE");
                while (dash.visitors.containsKey("v_probe")) dash.until("VISITOR_LIST");
                assertThat(dash.visitors).containsOnlyKeys("v_bob", "v_cat", "v_dan");
                assertThat(serverList(server, site)).containsExactlyInAnyOrder("v_bob", "v_cat", "v_dan");
                bobAgain.close();
                catAgain.close();
                tabs.values().forEach(TestServer.Socket::close);
            }
        }
    }

    @Test
    void manyLeavingAtOnceMakeOneListASecond() {
        try (TestServer server = newServer(c -> c)) {
            KeyStore.CreatedSite site = server.createSite("Crowd");
            for (int i = 0; i < 30; i++) server.trackOnPage(site.publicKey(), "pageview", "v_" + i);
            try (TestServer.Socket ws = server.originalDashboard(site.secretKey())) {
                Model dash = new Model(ws);
                dash.until("INITIAL_VISITORS");
                assertThat(dash.visitors).hasSize(30);
                long started = System.currentTimeMillis();
                for (int i = 0; i < 30; i++) server.trackOnPage(site.publicKey(), "exit", "v_" + i);
                while (!dash.visitors.isEmpty()) dash.until("VISITOR_LIST");
                long seconds = (System.currentTimeMillis() - started) / 1000;
                // Thirty departures, a list a second at most.
                assertThat(dash.lists).isLessThanOrEqualTo((int) seconds + 2);
            }
        }
    }

    /** The live list as the server holds it, read by a removal-aware dashboard. */
    static java.util.List<String> serverList(TestServer server, KeyStore.CreatedSite site) {
        try (TestServer.Socket d = server.dashboard(site.secretKey())) {
            return TestServer.ids(d.next("INITIAL_VISITORS"));
        }
    }
}
