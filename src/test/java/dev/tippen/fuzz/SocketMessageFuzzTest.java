package dev.tippen.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tippen.it.TestServer;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes what clients send on /ws/dashboard and /ws/visitor. After every fuzzed message the socket
 * must still answer a PING, and everything it said before the PONG must be a message of the protocol.
 */
class SocketMessageFuzzTest {
    private static final Set<String> DASHBOARD_TYPES = Set.of("ERROR", "PONG", "VISITOR_LIST", "VISITOR_UPDATE",
            "VISITOR_REMOVED", "INITIAL_VISITORS", "VIDEO_INVITE_SENT");
    private static final Set<String> VISITOR_TYPES = Set.of("ERROR", "PONG", "CONNECTED", "VIDEO_INVITE");

    private static TestServer server;
    private static KeyStore.CreatedSite site;
    private static TestServer.Socket dashboard;
    private static TestServer.Socket visitor;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        site = server.createSite("fuzz");
        server.track(site.publicKey(), "pageview", "v1");
        dashboard = server.dashboard(site.secretKey());
        visitor = server.visitor(site.publicKey(), "v1");
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        visitor.close();
        server.close();
    }

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({"\"type\"", "\"PING\"", "\"GET_VISITORS\"", "\"CALL_JOIN\"", "\"callId\"", "null", "{}", "[]", "\"\\u0000\""})
    void socketMessage(FuzzedDataProvider data) {
        FuzzClient.allowLoopbackOnly();
        boolean toDashboard = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        TestServer.Socket socket = toDashboard ? dashboard : visitor;
        socket.send(text);
        socket.send("{\"type\":\"PING\"}");
        Set<String> known = toDashboard ? DASHBOARD_TYPES : VISITOR_TYPES;
        while (true) {
            JsonObject m = socket.next();
            assertThat(m.getString("type")).as("message %s", m).isIn(known);
            if ("PONG".equals(m.getString("type"))) break;
        }
        assertThat(socket.closeCode).as("socket still open").isNotDone();
    }
}
