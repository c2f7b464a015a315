package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.TippenConfig;
import dev.tippen.history.HistoryStores;
import dev.tippen.site.KeyStore;
import dev.tippen.team.Invitation;
import dev.tippen.team.Role;
import dev.tippen.team.Team;
import dev.tippen.team.TeamDatabase;
import dev.tippen.team.TeamStore;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on a real redis-server keep one team in a real PostgreSQL: a session made on node A
 * works on node B, and removing a teammate on A ends their session and socket on B within a second.
 */
class ClusterTeamTest {
    @Test
    void aSessionFromOneNodeWorksOnTheOtherAndARemovalEndsItThere() {
        String pg = HistoryStores.postgresUrl();
        try (TestServer cluster = TestServer.cluster(2, c -> c.with(b -> b.history = new TippenConfig.HistoryOptions(pg, Duration.ofDays(30))))) {
            KeyStore.CreatedSite site = cluster.createSite("Two nodes");
            TestServer a = cluster.on(0);
            TestServer b = cluster.on(1);
            String token;
            try (TeamDatabase db = TeamDatabase.postgres(pg)) {
                token = Team.makeLink(new TeamStore(db), Invitation.Kind.JOIN, site.site().siteId(), "owner@example.com", Role.OWNER, "cli",
                        Duration.ofHours(1)).token();
            }
            TeamTest.Person ownerOnA = TeamTest.join(a, token, "Owner", TeamTest.PASSWORD);
            String url = ownerOnA.call("POST", "/api/team/invitations", new JsonObject().put("email", "agent@example.com").put("role", "agent").encode())
                    .json().getString("url");
            TeamTest.Person agentOnA = TeamTest.join(a, TeamTest.tokenOf(url), "Agent", TeamTest.PASSWORD);

            // The cookie made on A opens B (B learns of the session within its 500 ms poll).
            TeamTest.Person agentOnB = new TeamTest.Person(b, agentOnA.cookie());
            TestServer.eventually("node B knows the session", Duration.ofSeconds(3), () -> agentOnB.call("GET", "/api/visits", null).status() == 200);
            // Online on any node: the agent uses node B only; the owner asks node A.
            TestServer.eventually("node A sees the agent online", Duration.ofSeconds(5), () -> {
                for (Object o : ownerOnA.call("GET", "/api/team", null).json().getJsonArray("members")) {
                    JsonObject m = (JsonObject) o;
                    if (m.getString("email").equals("agent@example.com")) return m.getBoolean("online");
                }
                return false;
            });
            try (TestServer.Socket dash = TestServer.connect(b.base.toString().replace("http", "ws") + "/ws/dashboard",
                    "Cookie", "tippen_session=" + agentOnA.cookie(), "Origin", b.base.toString())) {
                dash.next("INITIAL_VISITORS");
                String agentId = TeamTest.userId(ownerOnA, "agent@example.com");
                long t0 = System.nanoTime();
                assertThat(ownerOnA.call("DELETE", "/api/team/members/" + agentId, null).status()).isEqualTo(204);
                assertThat(dash.awaitClose()).isEqualTo(1008);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("ms until node B closed the removed agent's socket").isLessThan(1500);
            }
            assertThat(agentOnB.call("GET", "/api/visits", null).status()).isEqualTo(401);
        }
    }
}
