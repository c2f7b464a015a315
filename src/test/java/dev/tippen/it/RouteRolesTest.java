package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.access.RouteTable;
import dev.tippen.site.KeyStore;
import dev.tippen.team.Role;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The route table against the running server: every route it answers has a rule, and every route
 * that needs a role refuses each role below it with 403 and lets each role at or above it past.
 */
class RouteRolesTest {
    @Test
    void everyMountedRouteHasARule() {
        try (TestServer server = TestServer.start()) {
            List<String> missing = new ArrayList<>();
            for (String route : server.app.routes()) {
                String[] mp = route.split(" ", 2);
                if (RouteTable.find(mp[0], mp[1].replace("*", "x")) == null) missing.add(route);
            }
            assertThat(missing).as("routes with no rule in RouteTable").isEmpty();
        }
    }

    @Test
    void everyRouteAgainstEveryRole() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Roles");
            TeamTest.Person owner = TeamTest.join(server, TeamTest.ownerLink(server, site.site().siteId(), "owner@example.com"), "Owner",
                    TeamTest.PASSWORD);
            Map<Role, TeamTest.Person> people = new EnumMap<>(Role.class);
            people.put(Role.OWNER, owner);
            for (Role r : List.of(Role.ADMIN, Role.AGENT, Role.VIEWER)) {
                String url = owner.call("POST", "/api/team/invitations", new JsonObject().put("email", r.wire() + "@example.com")
                        .put("role", r.wire()).encode()).json().getString("url");
                people.put(r, TeamTest.join(server, TeamTest.tokenOf(url), r.wire(), TeamTest.PASSWORD));
            }
            List<String> wrong = new ArrayList<>();
            int checked = 0;
            for (Map.Entry<String, RouteTable.Rule> e : RouteTable.RULES.entrySet()) {
                Role needed = e.getValue().need().role();
                if (needed == null) continue;
                String[] mp = e.getKey().split(" ", 2);
                if (mp[1].startsWith("/ws/")) continue; // upgrades: SocketContract and TeamTest open them
                String path = mp[1].replace(":visitorId", "v_roles").replace(":dimension", "pages").replace(":id", "wh_none")
                        .replace(":userId", "usr_none").replace(":invitationId", "inv_none").replace(":deliveryId", "d_none");
                String body = mp[0].equals("GET") || mp[0].equals("DELETE") ? null : "{}";
                int anonymous = server.request(mp[0], path, body, "Content-Type", "application/json").status();
                if (anonymous != 401) wrong.add(e.getKey() + " without credentials: " + anonymous);
                for (Role r : Role.values()) {
                    int status = people.get(r).call(mp[0], path, body).status();
                    checked++;
                    boolean allowed = r.atLeast(needed);
                    if (allowed ? status == 403 || status == 401 : status != 403) {
                        wrong.add(e.getKey() + " as " + r.wire() + " (needs " + needed.wire() + "): " + status);
                    }
                }
            }
            assertThat(wrong).isEmpty();
            assertThat(checked).isGreaterThanOrEqualTo(4 * 20);
        }
    }
}
