package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range files as the operator's files may really be: quoted names, IPv6, gaps, overlaps, numbers, junk. */
class IpRangeIndexTest {
    @TempDir
    Path dir;

    private IpData load(String asnCsv) throws IOException {
        Path f = dir.resolve("asn-ipv4.csv");
        Files.writeString(f, asnCsv);
        return IpDataLoader.load(new IpDataFiles(List.of(f), List.of(), List.of(), null, false));
    }

    private static String org(IpData d, String ip) {
        AsnRecord r = d.asn(IpAddresses.parse(ip));
        return r == null ? null : r.organization();
    }

    @Test
    void quotedNamesGapsAndTheEdgesOfEachRange() throws IOException {
        IpData d = load("""
                1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
                1.0.4.0,1.0.7.255,38803,Gtelecom Pty Ltd
                255.255.255.0,255.255.255.255,64512,Last Block
                """);
        assertThat(org(d, "1.0.0.0")).isEqualTo("Cloudflare, Inc.");
        assertThat(org(d, "1.0.0.255")).isEqualTo("Cloudflare, Inc.");
        assertThat(d.asn(IpAddresses.parse("1.0.0.7")).asn()).isEqualTo(13335);
        assertThat(org(d, "1.0.1.0")).as("a gap between ranges").isNull();
        assertThat(org(d, "0.255.255.255")).as("before the first range").isNull();
        assertThat(org(d, "1.0.4.0")).isEqualTo("Gtelecom Pty Ltd");
        assertThat(org(d, "1.0.8.0")).isNull();
        assertThat(org(d, "255.255.255.255")).isEqualTo("Last Block");
        assertThat(org(d, "::ffff:1.0.0.9")).as("IPv4-mapped IPv6 reads the IPv4 table").isEqualTo("Cloudflare, Inc.");
    }

    @Test
    void overlapsAnswerWithTheMostSpecificRange() throws IOException {
        IpData d = load("""
                10.0.0.0,10.255.255.255,1,Outer
                10.1.0.0,10.1.255.255,2,Inner
                10.1.2.0,10.1.2.255,3,Innermost
                10.1.0.0,10.1.255.255,4,Inner duplicate listed later
                10.200.0.0,10.255.255.255,5,Tail shares the outer end
                20.0.0.0,20.0.0.99,6,Crossing first
                20.0.0.50,20.0.0.200,7,Crossing second
                """);
        assertThat(org(d, "10.0.0.1")).isEqualTo("Outer");
        assertThat(org(d, "10.1.0.1")).isEqualTo("Inner");
        assertThat(org(d, "10.1.2.200")).isEqualTo("Innermost");
        assertThat(org(d, "10.1.3.0")).as("the inner range resumes after the innermost ends").isEqualTo("Inner");
        assertThat(org(d, "10.2.0.0")).as("the outer range resumes after the inner ends").isEqualTo("Outer");
        assertThat(org(d, "10.255.255.255")).isEqualTo("Tail shares the outer end");
        assertThat(org(d, "11.0.0.0")).isNull();
        assertThat(org(d, "20.0.0.10")).isEqualTo("Crossing first");
        assertThat(org(d, "20.0.0.60")).as("where ranges cross, the later start wins").isEqualTo("Crossing second");
        assertThat(org(d, "20.0.0.200")).isEqualTo("Crossing second");
        assertThat(org(d, "20.0.0.201")).isNull();
    }

    @Test
    void ipv6RangesAndTheLastAddress() throws IOException {
        Path f = dir.resolve("asn-ipv6.csv");
        Files.writeString(f, """
                2001:db8::,2001:db8:ffff:ffff:ffff:ffff:ffff:ffff,64496,Documentation Net
                2001:db8:1::,2001:db8:1::ff,64497,Small Inside
                2a03:2880::,2a03:2880:ffff:ffff:ffff:ffff:ffff:ffff,32934,"Facebook, Inc."
                ff00::,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,64498,Multicast To The End
                """);
        IpData d = IpDataLoader.load(new IpDataFiles(List.of(f), List.of(), List.of(), null, false));
        assertThat(org(d, "2001:db8::1")).isEqualTo("Documentation Net");
        assertThat(org(d, "2001:db8:1::80")).isEqualTo("Small Inside");
        assertThat(org(d, "2001:db8:1::100")).isEqualTo("Documentation Net");
        assertThat(org(d, "2a03:2880:f12f:83:face:b00c::25de")).isEqualTo("Facebook, Inc.");
        assertThat(org(d, "2a03:2881::")).isNull();
        assertThat(org(d, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo("Multicast To The End");
        assertThat(org(d, "1.0.0.1")).as("no IPv4 rows").isNull();
    }

    @Test
    void numericBoundsAHeaderRowAndAFewBadRows() throws IOException {
        StringBuilder csv = new StringBuilder("range_start,range_end,asn,org\n");
        csv.append("16777216,16777471,13335,\"Cloudflare, Inc.\"\n"); // 1.0.0.0 - 1.0.0.255
        for (int i = 0; i < 300; i++) csv.append("2.0.").append(i / 256).append('.').append(i % 256).append(",2.0.")
                .append(i / 256).append('.').append(i % 256).append(',').append(64500 + i).append(",Org ").append(i).append('\n');
        csv.append("garbage line\n");
        IpData d = load(csv.toString());
        assertThat(org(d, "1.0.0.128")).isEqualTo("Cloudflare, Inc.");
        assertThat(org(d, "2.0.1.0")).isEqualTo("Org 256");
    }

    @Test
    void aFileThatIsNotRangesIsRefusedNamingTheFile() throws IOException {
        assertThatThrownBy(() -> load("this is,not,a,range\nand neither,is,this,one\n"))
                .isInstanceOf(IpDataException.class)
                .hasMessageContaining("asn-ipv4.csv").hasMessageContaining("line 2");
        assertThatThrownBy(() -> load(""))
                .isInstanceOf(IpDataException.class).hasMessageContaining("asn-ipv4.csv").hasMessageContaining("empty");
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> IpDataLoader.load(new IpDataFiles(List.of(missing), List.of(), List.of(), null, false)))
                .isInstanceOf(IpDataException.class).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path notMmdb = dir.resolve("city.mmdb");
        Files.writeString(notMmdb, "not a maxmind database");
        assertThatThrownBy(() -> IpDataLoader.load(new IpDataFiles(List.of(), List.of(), List.of(notMmdb), null, false)))
                .isInstanceOf(IpDataException.class).hasMessageContaining(notMmdb.toString())
                .hasMessageContaining("not a readable MaxMind database");
        IpData optional = IpDataLoader.load(new IpDataFiles(List.of(missing), List.of(), List.of(notMmdb), null, true));
        assertThat(optional.empty()).as("optional sources that fail are left out").isTrue();
    }

    @Test
    void aDirectoryIsReadByFileNameAndCountryFilesAreNotMistakenForAsn() throws IOException {
        Files.writeString(dir.resolve("asn-ipv4.csv"), "1.0.0.0,1.0.0.255,13335,Cloudflare\n");
        Files.writeString(dir.resolve("asn-ipv4-num.csv"), "16777216,16777471,1,Duplicate In Numbers\n");
        Files.writeString(dir.resolve("geo-whois-asn-country-ipv4.csv"), "1.0.0.0,1.0.0.255,AU\n");
        Files.writeString(dir.resolve("README.md"), "ignored");
        assertThat(IpDataLoader.sources(IpDataFiles.directory(dir)))
                .extracting(s -> s.kind() + " " + s.path().getFileName())
                .containsExactly("ASN asn-ipv4.csv", "COUNTRY geo-whois-asn-country-ipv4.csv");
        IpData d = IpDataLoader.load(IpDataFiles.directory(dir));
        assertThat(org(d, "1.0.0.1")).isEqualTo("Cloudflare");
        assertThat(d.place(IpAddresses.parse("1.0.0.1")).label()).isEqualTo("Australia");
    }

    @Test
    void anonymisedAddressesKeepTheNetworkOnly() {
        assertThat(IpAddresses.anonymize("203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(IpAddresses.anonymize("2001:db8:1234:5678:9abc::1")).isEqualTo("2001:db8:1234::");
        assertThat(IpAddresses.anonymize("::ffff:203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(IpAddresses.anonymize("unknown")).isEqualTo("unknown");
    }

    @Test
    void onlyPublicAddressesAreWorthAskingAbout() {
        for (String ip : new String[] {"8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.4.4", "100.128.0.1"}) {
            assertThat(IpAddresses.isPublic(ip)).as(ip).isTrue();
        }
        for (String ip : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "100.64.0.1",
                "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "unknown", null}) {
            assertThat(IpAddresses.isPublic(ip)).as(String.valueOf(ip)).isFalse();
        }
    }
}
