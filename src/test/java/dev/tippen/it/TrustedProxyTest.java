package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.config.Cidr;
import dev.tippen.site.KeyStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forwarding headers count only from a trusted proxy; a client cannot choose its own IP. */
class TrustedProxyTest {
    static String ipSeen(TestServer server, KeyStore.CreatedSite site, String id, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "X-Tippen-API-Key";
        all[1] = site.publicKey();
        System.arraycopy(headers, 0, all, 2, headers.length);
        assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", id), all).status()).isEqualTo(200);
        try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
            return TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), id).getString("ip");
        }
    }

    @Test
    void spoofedHeadersFromUntrustedPeersAreIgnored() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Direct");
            assertThat(ipSeen(server, site, "v1", "X-Forwarded-For", "1.2.3.4", "CF-Connecting-IP", "5.6.7.8"))
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aTrustedProxyIsBelievedFromTheRight() {
        try (TestServer server = TestServer.start(c -> c.withTrustedProxies(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8"))))) {
            KeyStore.CreatedSite site = server.createSite("Proxied");
            // The left-most entry is whatever the client sent; the right-most untrusted hop is the client.
            assertThat(ipSeen(server, site, "v1", "X-Forwarded-For", "9.9.9.9, 198.51.100.7, 10.0.0.2")).isEqualTo("198.51.100.7");
            assertThat(ipSeen(server, site, "v3", "X-Forwarded-For", "not-an-ip")).isEqualTo("127.0.0.1");
            // Only the configured header counts: another one a client adds picks nothing.
            assertThat(ipSeen(server, site, "v2", "CF-Connecting-IP", "203.0.113.50", "X-Forwarded-For", "198.51.100.8"))
                    .isEqualTo("198.51.100.8");
            assertThat(ipSeen(server, site, "v4", "CF-Connecting-IP", "203.0.113.50")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void behindCloudflareOnlyCfConnectingIpCounts() {
        try (TestServer server = TestServer.start(c -> c.withTrustedProxies(List.of(Cidr.parse("127.0.0.0/8")))
                .with(b -> b.clientIpHeader = "CF-Connecting-IP"))) {
            KeyStore.CreatedSite site = server.createSite("Cloudflare");
            assertThat(ipSeen(server, site, "v1", "CF-Connecting-IP", "203.0.113.50", "X-Forwarded-For", "198.51.100.8"))
                    .isEqualTo("203.0.113.50");
            assertThat(ipSeen(server, site, "v2", "X-Forwarded-For", "198.51.100.8")).isEqualTo("127.0.0.1");
        }
    }
}
