package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.site.KeyStore;
import org.junit.jupiter.api.Test;

/** Dates are bounded before any arithmetic: a range that would overflow is a 400, never the whole history. */
class RangeBoundsTest {
    @Test
    void farDatesAreRefusedOnEveryRangeRoute() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Ranges");
            server.track(site.publicKey(), "pageview", "v_1");
            String[] routes = {"/api/visits", "/api/reports/companies", "/api/reports/pages"};
            String[][] ranges = {
                    {"-147000000-01-01T00:00:00Z", "+147000000-01-01T00:00:00Z"},
                    {"-147000000-01-01T00:00:00Z", "2026-12-01"},
                    {"1969-12-31T00:00:00Z", "1970-02-01"},
                    {"2026-01-01", "+10000-01-01T00:00:00Z"}};
            for (String route : routes) {
                for (String[] r : ranges) {
                    TestServer.Response answer = server.request("GET", route + "?from=" + r[0].replace("+", "%2B") + "&to="
                                    + r[1].replace("+", "%2B"), null,
                            "Authorization", "Bearer " + site.secretKey());
                    assertThat(answer.status()).as(route + " " + r[0] + ".." + r[1]).isEqualTo(400);
                    assertThat(answer.error()).contains("between 1970-01-01 and 9999-12-31");
                }
            }
        }
    }
}
