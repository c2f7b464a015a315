package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The served tracker's socket carries the visitor's token, which the tracked event's answer gave
 * it. A socket with the visitor's id alone cannot displace it nor hear its invites; a tracker that
 * never presents a token (the original's) works as before.
 */
class VisitorTokenTest {
    @Test
    void aSocketWithTheIdAloneCannotTakeOverTheTrackersSocket() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Tokens");
            String token = server.track(site.publicKey(), "pageview", "v_real").json().getString("visitorToken");
            List<TestServer.Socket> attackers = new ArrayList<>();
            try (TestServer.Socket real = server.socket("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=v_real&token=" + token)) {
                real.next("CONNECTED");
                for (int i = 0; i < 20; i++) {
                    TestServer.Socket a = server.visitor(site.publicKey(), "v_real");
                    attackers.add(a);
                }
                // Each attacker that pushes the count past the cap is itself the one closed.
                for (TestServer.Socket a : attackers.subList(0, 15)) a.next("CONNECTED");
                assertThat(real.closeCode).as("the tracker's socket stays open").isNotDone();
                assertThat(server.invite(site.secretKey(), "v_real", "https://meet.example.com/x").status()).isEqualTo(200);
                assertThat(real.next("VIDEO_INVITE").getString("visitorId")).isEqualTo("v_real");
                for (TestServer.Socket a : attackers) a.assertNone("VIDEO_INVITE", 200);
            } finally {
                attackers.forEach(TestServer.Socket::close);
            }
        }
    }

    @Test
    void aTokenThatIsNotTheVisitorsIsRefused() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Tokens");
            String other = server.track(site.publicKey(), "pageview", "v_other").json().getString("visitorToken");
            assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=v_victim&token=" + other)).isEqualTo(403);
            assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=v_victim&token=garbage")).isEqualTo(403);
        }
    }

    @Test
    void aTrackerWithoutTokensStillGetsItsInvites() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Original");
            server.track(site.publicKey(), "pageview", "v_original");
            try (TestServer.Socket s = server.visitor(site.publicKey(), "v_original")) {
                s.next("CONNECTED");
                assertThat(server.invite(site.secretKey(), "v_original", "https://meet.example.com/y").status()).isEqualTo(200);
                assertThat(s.next("VIDEO_INVITE").getString("visitorId")).isEqualTo("v_original");
            }
        }
    }

    @Test
    void aPendingInviteIsNotGivenToASocketWithoutTheTokenWhileTheTrackersIsOpen() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Pending");
            String token = server.track(site.publicKey(), "pageview", "v_p").json().getString("visitorToken");
            try (TestServer.Socket real = server.socket("/ws/visitor?apiKey=" + site.publicKey() + "&visitorId=v_p&token=" + token)) {
                real.next("CONNECTED");
                assertThat(server.invite(site.secretKey(), "v_p", "https://meet.example.com/z").status()).isEqualTo(200);
                real.next("VIDEO_INVITE");
                try (TestServer.Socket late = server.visitor(site.publicKey(), "v_p")) {
                    late.next("CONNECTED");
                    late.assertNone("VIDEO_INVITE", 500);
                }
            }
        }
    }
}
