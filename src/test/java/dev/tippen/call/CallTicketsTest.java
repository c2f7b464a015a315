package dev.tippen.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.VisitorTokens;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTicketsTest {
    final CallTickets tickets = new CallTickets(new VisitorTokens("installation-secret"));
    final CallTickets.Ticket ticket = new CallTickets.Ticket("site_1", "v_1", "call_1", CallTickets.Party.VISITOR, "v_1", 10_000);

    @Test
    void aTicketSaysWhatItWasIssuedForUntilItExpires() {
        String t = tickets.issue(ticket);
        assertThat(tickets.verify(t, 9_999)).isEqualTo(ticket);
        assertThat(tickets.verify(t, 10_000)).as("expired").isNull();
    }

    @Test
    void aChangedOrForeignTicketIsRefused() {
        String t = tickets.issue(ticket);
        String agent = tickets.issue(new CallTickets.Ticket("site_1", "v_1", "call_1", CallTickets.Party.AGENT, "v_1", 10_000));
        // The visitor's payload under the agent's signature, and the other way round.
        String swapped = t.substring(0, t.indexOf('.')) + agent.substring(agent.indexOf('.'));
        assertThat(tickets.verify(swapped, 0)).isNull();
        assertThat(new CallTickets(new VisitorTokens("another-installation")).verify(t, 0)).isNull();
        for (String bad : new String[] {null, "", ".", "x.y", "!!!.abc", t + "x", "a".repeat(2000)}) {
            assertThat(tickets.verify(bad, 0)).as(String.valueOf(bad)).isNull();
        }
    }

    @Test
    void turnCredentialsFollowCoturnsRestScheme() {
        IceServers ice = new IceServers(new IceServers.Settings(List.of("stun:stun.example.com:3478"), List.of("turn:turn.example.com:3478"),
                "north", Duration.ofHours(1), true));
        var servers = ice.forCall("call_1-agent", 1_700_000_000_000L);
        assertThat(servers.getJsonObject(0).getJsonArray("urls").getString(0)).isEqualTo("stun:stun.example.com:3478");
        var turn = servers.getJsonObject(1);
        assertThat(turn.getString("username")).isEqualTo("1700003600:call_1-agent");
        // openssl: printf %s 1700003600:call_1-agent | openssl dgst -binary -sha1 -hmac north | base64
        assertThat(turn.getString("credential")).isEqualTo("FGTey1ZSXo/ztwB+dnHL/a1D7kA=");
        assertThat(ice.relayOnly()).isTrue();
    }
}
