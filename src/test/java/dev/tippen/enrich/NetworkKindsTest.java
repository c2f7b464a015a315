package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NetworkKindsTest {
    static final NetworkKinds KINDS = NetworkKinds.standard();

    static String kind(long asn, String org) {
        return KINDS.kindOf(new AsnRecord(asn, org, null));
    }

    @Test
    void knownSystemsThenWordsThenBusiness() {
        assertThat(kind(13335, "Cloudflare, Inc.")).isEqualTo("hosting");
        assertThat(kind(16509, "Amazon.com, Inc.")).isEqualTo("hosting");
        assertThat(kind(7922, "Comcast Cable Communications, LLC")).isEqualTo("isp");
        assertThat(kind(3320, "Deutsche Telekom AG")).isEqualTo("isp");
        assertThat(kind(64500, "Example Broadband Ltd")).isEqualTo("isp");
        assertThat(kind(64501, "Example Mobile Networks")).isEqualTo("isp");
        assertThat(kind(64502, "Rackspace Hosting")).isEqualTo("hosting");
        assertThat(kind(64503, "Massachusetts Institute of Technology")).isEqualTo("education");
        assertThat(kind(64504, "Stanford University")).isEqualTo("education");
        assertThat(kind(64505, "Acme Widgets GmbH")).isEqualTo("business");
        assertThat(kind(64506, "Cablevision-free Widgets")).as("words match whole words only").isEqualTo("business");
        assertThat(KINDS.kindOf(null)).isNull();
    }
}
