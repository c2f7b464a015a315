package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tippen.app.App;
import dev.tippen.config.Cidr;
import dev.tippen.config.TippenConfig;
import dev.tippen.enrich.EnrichSettings;
import dev.tippen.enrich.IpDataException;
import dev.tippen.enrich.IpDataFiles;
import dev.tippen.enrich.RemoteEnricher;
import dev.tippen.site.KeyStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking through a real server with offline data and a provider that answers late: the dashboard sees
 * the enriched visitor at once and the provider's answer as an "enriched" update; spoofed headers are
 * ignored, bots stay off the list, anonymising keeps only the network, and new files are picked up.
 */
class EnrichmentTest {
    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    @TempDir
    Path ipData;
    Vertx vertx;
    HttpServer provider;
    final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Files.writeString(ipData.resolve("asn-ipv4.csv"), """
                8.8.8.0,8.8.8.255,15169,Google LLC
                73.0.0.0,73.255.255.255,7922,"Comcast Cable Communications, LLC"
                81.2.69.0,81.2.69.255,64500,Acme Widgets GmbH
                """);
        Files.writeString(ipData.resolve("geo-whois-asn-country-ipv4.csv"), """
                8.8.8.0,8.8.8.255,US
                81.2.69.0,81.2.69.255,DE
                """);
        vertx = Vertx.vertx();
        // IPinfo's wire format, answering after 300 ms so the offline answer is seen first.
        provider = vertx.createHttpServer().requestHandler(r -> {
            asked.add(r.path());
            vertx.setTimer(300, id -> r.response().putHeader("Content-Type", "application/json").end(
                    r.path().startsWith("/8.8.8.")
                            ? "{\"ip\":\"8.8.8.8\",\"city\":\"Mountain View\",\"region\":\"California\",\"country\":\"US\","
                            + "\"loc\":\"37.4056,-122.0775\",\"org\":\"AS15169 Google LLC\","
                            + "\"company\":{\"name\":\"Google\",\"domain\":\"google.com\",\"type\":\"business\"}}"
                            : "{\"ip\":\"x\",\"bogon\":true}"));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    UnaryOperator<TippenConfig> enriched(boolean trustLoopback, boolean anonymize, boolean showBots) {
        return c -> {
            EnrichSettings e = c.enrich().withIpData(IpDataFiles.directory(ipData)).withPrivacy(anonymize, showBots)
                    .withReloadCheck(Duration.ofMillis(200))
                    .withProvider("ipinfo", "http://127.0.0.1:" + provider.actualPort(), "test-key",
                            RemoteEnricher.Settings.defaults());
            TippenConfig out = c.withEnrich(e);
            return trustLoopback ? out.withTrustedProxies(List.of(Cidr.parse("127.0.0.0/8"))) : out;
        };
    }

    static TestServer.Response track(TestServer server, KeyStore.CreatedSite site, String id, String ua, String... headers) {
        JsonObject body = new JsonObject().put("event", "pageview").put("website", "example.com").put("visitor",
                new JsonObject().put("visitorId", id).put("url", "https://example.com/pricing").put("userAgent", ua)
                        .put("timezone", "Europe/Berlin"));
        String[] all = new String[headers.length + 4];
        all[0] = "Content-Type";
        all[1] = "application/json";
        all[2] = "X-Tippen-API-Key";
        all[3] = site.publicKey();
        System.arraycopy(headers, 0, all, 4, headers.length);
        return server.post("/track/visitor", body.encode(), all);
    }

    @Test
    void behindATrustedProxyTheDashboardSeesTheCompanyAndLaterTheProvidersAnswer() {
        try (TestServer server = TestServer.start(enriched(true, false, false))) {
            KeyStore.CreatedSite site = server.createSite("Enriched");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                assertThat(track(server, site, "v1", CHROME, "X-Forwarded-For", "203.0.113.9, 8.8.8.8").status()).isEqualTo(200);
                JsonObject first = dash.next("VISITOR_UPDATE");
                assertThat(first.getString("event")).isEqualTo("pageview");
                JsonObject v = first.getJsonObject("visitor");
                assertThat(v.getString("ip")).isEqualTo("8.8.8.8");
                assertThat(v.getString("company")).isEqualTo("Google LLC");
                assertThat(v.getLong("asn")).isEqualTo(15169L);
                assertThat(v.getString("network")).isEqualTo("hosting");
                assertThat(v.getString("location")).isEqualTo("United States");
                assertThat(v.getString("countryCode")).isEqualTo("US");
                assertThat(v.getString("browser")).isEqualTo("Chrome 131");
                assertThat(v.getString("lastRole")).isEqualTo("Windows - Chrome");
                assertThat(v.getBoolean("bot")).isFalse();
                assertThat(v.getString("enrichedBy")).isEqualTo("offline");

                JsonObject later = dash.next("VISITOR_UPDATE");
                assertThat(later.getString("event")).isEqualTo("enriched");
                JsonObject e = later.getJsonObject("visitor");
                assertThat(e.getString("visitorId")).isEqualTo("v1");
                assertThat(e.getString("company")).isEqualTo("Google");
                assertThat(e.getString("companyDomain")).isEqualTo("google.com");
                assertThat(e.getString("network")).isEqualTo("business");
                assertThat(e.getString("location")).isEqualTo("Mountain View, California, United States");
                assertThat(e.getDouble("latitude")).isEqualTo(37.4056);
                assertThat(e.getString("enrichedBy")).isEqualTo("ipinfo");
                assertThat(e.getInteger("pageViews")).isEqualTo(1);

                // The answer is cached: the next visitor from that address is enriched at once, no new call.
                assertThat(track(server, site, "v2", CHROME, "X-Forwarded-For", "8.8.8.8").status()).isEqualTo(200);
                JsonObject v2 = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
                assertThat(v2.getString("enrichedBy")).isEqualTo("ipinfo");
                dash.assertQuiet(600);
                assertThat(asked).containsExactly("/8.8.8.8/json");
            }
            // The licences of the data in use are credited on the index page.
            assertThat(server.get("/").body()).contains("ip-location-db").contains("https://db-ip.com").contains("(CC0)");
            // A reconnecting dashboard gets the stored, enriched visitors.
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                JsonObject v1 = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "v1");
                assertThat(v1.getString("company")).isEqualTo("Google");
            }
        }
    }

    @Test
    void spoofedHeadersFromAnUntrustedPeerChangeNothing() {
        try (TestServer server = TestServer.start(enriched(false, false, false))) {
            KeyStore.CreatedSite site = server.createSite("Direct");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                assertThat(track(server, site, "v1", CHROME, "X-Forwarded-For", "8.8.8.8", "CF-Connecting-IP", "8.8.8.8")
                        .status()).isEqualTo(200);
                JsonObject v = dash.next("VISITOR_UPDATE").getJsonObject("visitor");
                assertThat(v.getString("ip")).isEqualTo("127.0.0.1");
                assertThat(v.getString("company")).isNull();
                assertThat(v.getValue("asn")).isNull();
                assertThat(v.getString("location")).isEqualTo("Europe/Berlin");
                dash.assertQuiet(600);
            }
            assertThat(asked).as("loopback is never sent to the provider").isEmpty();
        }
    }

    @Test
    void aConsumerIspShowsNoCompany() {
        try (TestServer server = TestServer.start(enriched(true, false, false))) {
            KeyStore.CreatedSite site = server.createSite("Isp");
            assertThat(track(server, site, "v1", CHROME, "X-Forwarded-For", "73.22.100.5").status()).isEqualTo(200);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                JsonObject v = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "v1");
                assertThat(v.getString("network")).isEqualTo("isp");
                assertThat(v.getString("company")).isNull();
                assertThat(v.getString("asOrganization")).isEqualTo("Comcast Cable Communications, LLC");
            }
        }
    }

    @Test
    void botsAreStoredAndCountedButKeptOffTheLiveList() {
        try (TestServer server = TestServer.start(enriched(true, false, false))) {
            KeyStore.CreatedSite site = server.createSite("Bots");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                assertThat(track(server, site, "crawler", GOOGLEBOT, "X-Forwarded-For", "81.2.69.7").status()).isEqualTo(200);
                assertThat(track(server, site, "script", "python-requests/2.31.0", "X-Forwarded-For", "81.2.69.8").status()).isEqualTo(200);
                dash.assertQuiet(500);
                assertThat(track(server, site, "person", CHROME, "X-Forwarded-For", "81.2.69.9").status()).isEqualTo(200);
                assertThat(dash.next("VISITOR_UPDATE").getJsonObject("visitor").getString("visitorId")).isEqualTo("person");
            }
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsExactly("person");
            }
            assertThat(server.get("/metrics").body()).contains("tippen_bot_events_total 2.0");
        }
        try (TestServer server = TestServer.start(enriched(true, false, true))) {
            KeyStore.CreatedSite site = server.createSite("Shown");
            assertThat(track(server, site, "crawler", GOOGLEBOT, "X-Forwarded-For", "81.2.69.7").status()).isEqualTo(200);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                JsonObject v = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "crawler");
                assertThat(v.getBoolean("bot")).isTrue();
                assertThat(v.getString("lastRole")).startsWith("Bot - ");
            }
        }
    }

    @Test
    void anonymisingKeepsOnlyTheNetworkEverywhere() {
        try (TestServer server = TestServer.start(enriched(true, true, false))) {
            KeyStore.CreatedSite site = server.createSite("Private");
            assertThat(track(server, site, "v1", CHROME, "X-Forwarded-For", "81.2.69.77").status()).isEqualTo(200);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                JsonObject v = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "v1");
                assertThat(v.getString("ip")).isEqualTo("81.2.69.0");
                assertThat(v.getString("company")).isEqualTo("Acme Widgets GmbH");
                assertThat(v.getString("countryCode")).isEqualTo("DE");
            }
            TestServer.eventually("the provider asked about the network", java.time.Duration.ofSeconds(5), () -> !asked.isEmpty());
            assertThat(asked).containsExactly("/81.2.69.0/json");
        }
    }

    @Test
    void changedFilesAreLoadedWhileServing() throws IOException {
        try (TestServer server = TestServer.start(enriched(true, false, false))) {
            KeyStore.CreatedSite site = server.createSite("Reload");
            assertThat(track(server, site, "before", CHROME, "X-Forwarded-For", "81.2.69.1").status()).isEqualTo(200);
            Path tmp = ipData.resolve("asn.tmp");
            Files.writeString(tmp, "81.2.69.0,81.2.69.255,64501,Renamed Widgets AG\n");
            Files.move(tmp, ipData.resolve("asn-ipv4.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String company = null;
            long deadline = System.currentTimeMillis() + 10_000;
            for (int i = 0; System.currentTimeMillis() < deadline; i++) {
                assertThat(track(server, site, "after" + i, CHROME, "X-Forwarded-For", "81.2.69.2").status()).isEqualTo(200);
                try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                    company = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "after" + i).getString("company");
                }
                if ("Renamed Widgets AG".equals(company)) break;
                TestServer.sleep(200);
            }
            assertThat(company).isEqualTo("Renamed Widgets AG");
            assertThat(server.get("/metrics").body()).contains("tippen_ip_data_reloads_total{result=\"ok\"}");
        }
    }

    @Test
    void sighupReloadsAtOnce() throws Exception {
        try (DurabilityTest.Child child = new DurabilityTest.Child("Hup",
                List.of("--ip-data-dir", ipData.toString(), "--trusted-proxy", "127.0.0.0/8"))) {
            // Rewritten in place with the same size and time stamp: only the signal can tell the server.
            Path asn = ipData.resolve("asn-ipv4.csv");
            java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(asn);
            String before = Files.readString(asn);
            Files.writeString(asn, before.replace("Acme Widgets GmbH", "Acme Gadgets GmbH"));
            Files.setLastModifiedTime(asn, mtime);
            new ProcessBuilder("kill", "-HUP", Long.toString(child.process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            String company = null;
            long deadline = System.currentTimeMillis() + 5_000;
            for (int i = 0; System.currentTimeMillis() < deadline && !"Acme Gadgets GmbH".equals(company); i++) {
                TestServer.sleep(200);
                assertThat(child.trackFrom("hup" + i, "81.2.69.3")).isEqualTo(200);
                try (TestServer.Socket dash = child.dashboard()) {
                    company = TrackContractTest.visitor(dash.next("INITIAL_VISITORS"), "hup" + i).getString("company");
                }
            }
            assertThat(company).isEqualTo("Acme Gadgets GmbH");
        }
    }

    @Test
    void aMissingDatabaseStopsStartUpNamingTheFileUnlessOptional(@TempDir Path data) {
        Path missing = ipData.resolve("GeoLite2-ASN.mmdb");
        TippenConfig base = TippenConfig.defaults(data).withPort(0);
        IpDataFiles files = new IpDataFiles(List.of(missing), List.of(), List.of(), null, false);
        assertThatThrownBy(() -> App.start(base.withEnrich(base.enrich().withIpData(files))))
                .isInstanceOf(IpDataException.class)
                .hasMessage("ASN database file " + missing + " does not exist");
        IpDataFiles optional = new IpDataFiles(List.of(missing), List.of(), List.of(), null, true);
        try (App app = App.start(base.withEnrich(base.enrich().withIpData(optional)))) {
            // Started without it, and serving.
            java.net.http.HttpResponse<String> health = TestServer.HTTP.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + app.port() + "/readyz")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
