package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tippen.config.Cidr;
import dev.tippen.config.RateLimit;
import dev.tippen.config.TippenConfig;
import dev.tippen.site.KeyStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client behind a real nginx running the configuration docs/operations.md gives: whatever address
 * headers it sends, it is seen at its own address, it shares one rate limit, and its company and place
 * are those of that address.
 */
class NginxProxyTest {

    /** A POST sent from {@code from} (a loopback address of its own), with the given extra headers. */
    static int track(int port, String from, String key, String visitorId, String... headers) throws Exception {
        String body = TestServer.trackBody("pageview", visitorId);
        StringBuilder req = new StringBuilder("POST /track/visitor HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n")
                .append("Content-Type: application/json\r\nX-Tippen-API-Key: ").append(key).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        req.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void spoofedAddressHeadersChangeNothingBehindTheDocumentedNginx() throws Exception {
        dev.tippen.Needs.present(Files.isExecutable(Nginx.BINARY), "needs Debian's nginx (apt-get install nginx)");
        try (TestServer server = TestServer.start(c -> c.withTrustedProxies(List.of(Cidr.parse("127.0.0.1/32")))
                .withRates(new TippenConfig.Rates(new RateLimit(1, 3), null, null, 0, null, 0, null, null, null, null)));
             Nginx nginx = Nginx.single(server.app.port())) {
            KeyStore.CreatedSite site = server.createSite("Behind nginx");
            String[][] spoofs = {
                {"X-Forwarded-For", "1.2.3.4"},
                {"CF-Connecting-IP", "5.6.7.8"},
                {"X-Forwarded-For", "8.8.8.8, 9.9.9.9", "CF-Connecting-IP", "1.1.1.1", "X-Real-IP", "4.4.4.4"},
            };
            for (int i = 0; i < spoofs.length; i++) {
                assertThat(track(nginx.port, "127.0.0.2", site.publicKey(), "v_spoof" + i, spoofs[i])).isEqualTo(200);
            }
            // Three requests from one client, whatever it claimed: its one limit (burst 3) is used up.
            assertThat(track(nginx.port, "127.0.0.2", site.publicKey(), "v_spoof9", "X-Forwarded-For", "7.7.7.7")).isEqualTo(429);
            // Another client has a limit of its own.
            assertThat(track(nginx.port, "127.0.0.3", site.publicKey(), "v_other")).isEqualTo(200);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                var list = dash.next("INITIAL_VISITORS");
                for (int i = 0; i < spoofs.length; i++) {
                    var v = TrackContractTest.visitor(list, "v_spoof" + i);
                    assertThat(v.getString("ip")).as("visitor %d", i).isEqualTo("127.0.0.2");
                    assertThat(v.getString("network")).as("a loopback client is looked up nowhere").isEqualTo("private");
                    assertThat(v.getString("countryCode")).isNull();
                }
                assertThat(TrackContractTest.visitor(list, "v_other").getString("ip")).isEqualTo("127.0.0.3");
            }
        }
    }
}
