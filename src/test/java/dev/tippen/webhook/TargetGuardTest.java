package dev.tippen.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Addresses that reach an IPv4 host through IPv6 are judged as what they reach, or refused outright. */
class TargetGuardTest {
    private static String why(String literal) throws Exception {
        return TargetGuard.forbidden(InetAddress.getByName(literal));
    }

    @Test
    void transitionAddressesAreRefused() throws Exception {
        assertThat(why("2002:7f00:1::1")).as("6to4 of 127.0.0.1").contains("6to4");
        assertThat(why("2002:a9fe:a9fe::1")).as("6to4 of the metadata address").contains("6to4");
        assertThat(why("2001:0:4136:e378:8000:63bf:3fff:fdd2")).as("Teredo").contains("Teredo");
        assertThat(why("::ffff:0:7f00:1")).as("IPv4-translated 127.0.0.1").contains("IPv4-translated");
        assertThat(why("::ffff:0:a9fe:a9fe")).as("IPv4-translated metadata").contains("IPv4-translated");
        assertThat(why("64:ff9b:1::a00:1")).as("local NAT64").contains("NAT64");
    }

    @Test
    void theIpv4InIpv6FormsStillAreJudgedByTheirIpv4() throws Exception {
        assertThat(why("::ffff:127.0.0.1")).isEqualTo("loopback");
        assertThat(why("64:ff9b::a9fe:a9fe")).isEqualTo("link-local (metadata)");
    }

    @Test
    void publicAddressesPass() throws Exception {
        assertThat(why("2a00:1450:4001:80b::200e")).isNull();
        assertThat(why("8.8.8.8")).isNull();
        assertThat(why("2001:4860:4860::8888")).isNull();
    }
}
