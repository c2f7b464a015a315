package dev.tippen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

class CidrTest {
    static byte[] ip(String s) {
        return NetUtil.createByteArrayFromIpAddressString(s);
    }

    @Test
    void matchesNetworksOfBothFamilies() {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertThat(ten.contains(ip("10.1.2.3"))).isTrue();
        assertThat(ten.contains(ip("11.0.0.1"))).isFalse();
        assertThat(ten.contains(ip("::ffff:10.9.9.9"))).as("IPv4-mapped IPv6").isTrue();
        Cidr host = Cidr.parse("192.168.1.7");
        assertThat(host.contains(ip("192.168.1.7"))).isTrue();
        assertThat(host.contains(ip("192.168.1.8"))).isFalse();
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertThat(v6.contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(v6.contains(ip("2001:db9::1"))).isFalse();
        assertThat(v6.contains(ip("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/12").contains(ip("10.15.255.255"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/12").contains(ip("10.16.0.0"))).isFalse();
    }

    @Test
    void refusesWhatIsNotANetwork() {
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessageContaining("not an IP network");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix");
    }
}
