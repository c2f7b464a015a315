package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The record shapes of the MaxMind-format files Tippen reads, as the reader decodes them. */
class MmdbLayoutsTest {
    @Test
    void asnRecordsOfMaxMindDbIpAndIpinfo() {
        assertThat(MmdbFile.asnOf(Map.of("autonomous_system_number", 15169L, "autonomous_system_organization", "GOOGLE")))
                .isEqualTo(new AsnRecord(15169, "GOOGLE", null));
        assertThat(MmdbFile.asnOf(Map.of("asn", "AS13335", "as_name", "Cloudflare, Inc.", "as_domain", "cloudflare.com",
                "country_code", "US")))
                .isEqualTo(new AsnRecord(13335, "Cloudflare, Inc.", "cloudflare.com"));
        assertThat(MmdbFile.asnOf(Map.of("country_code", "US"))).isNull();
    }

    @Test
    void placesInTheNestedAndTheFlatLayout() {
        Map<String, Object> nested = Map.of(
                "city", Map.of("names", Map.of("en", "Prague", "de", "Prag")),
                "subdivisions", List.of(Map.of("names", Map.of("en", "Hlavni mesto Praha"))),
                "country", Map.of("iso_code", "CZ", "names", Map.of("en", "Czechia")),
                "location", Map.of("latitude", 50.08, "longitude", 14.42));
        assertThat(MmdbFile.placeOf(nested))
                .isEqualTo(new Place("Prague", "Hlavni mesto Praha", "Czechia", "CZ", 50.08, 14.42));
        Map<String, Object> flat = Map.of("city", "Munich", "state1", "Bavaria", "country_code", "DE",
                "latitude", 48.137f, "longitude", 11.575f, "postcode", "80331");
        Place p = MmdbFile.placeOf(flat);
        assertThat(p.label()).isEqualTo("Munich, Bavaria, Germany");
        assertThat(p.latitude()).isEqualTo(48.137);
        assertThat(MmdbFile.placeOf(Map.of("country_code", "JP")).label()).isEqualTo("Japan");
        assertThat(MmdbFile.placeOf(Map.of("postcode", "123"))).isNull();
    }
}
