package dev.tippen.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One MaxMind-format database, decoded generically, so that MaxMind's nested GeoIP2 layout
 * ({@code city.names.en}, {@code location.latitude}), the flat layout of the ip-location-db files
 * ({@code city}, {@code state1}, {@code country_code}) and IPinfo Lite's ({@code asn}, {@code as_name})
 * are all read by the same code. The file is memory-mapped: it costs page cache, shared and reclaimable,
 * not heap. A file replaced by renaming a new one over it (as fetch-ip-data does) keeps the old
 * mapping valid until the reload; a file rewritten in place while mapped would not be.
 */
final class MmdbFile implements AutoCloseable {
    private final Reader reader;
    private final boolean ipv4Only;

    private MmdbFile(Reader reader) {
        this.reader = reader;
        this.ipv4Only = reader.getMetadata().getIpVersion() == 4;
    }

    static MmdbFile open(Path path, String what) {
        try {
            return new MmdbFile(new Reader(path.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache(16_384)));
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IpDataException(what + " file " + path + " is not a readable MaxMind database: " + m, e);
        }
    }

    String databaseType() {
        return reader.getMetadata().getDatabaseType();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> get(byte[] address) {
        if (ipv4Only && address.length == 16) {
            // The reader would walk an IPv4 tree with the first 32 bits of an IPv6 address and
            // answer for some unrelated IPv4 network; only IPv4-mapped addresses belong here.
            if (!IpAddresses.isV4Mapped(address)) return null;
            address = java.util.Arrays.copyOfRange(address, 12, 16);
        }
        try {
            return reader.get(InetAddress.getByAddress(address), Map.class);
        } catch (UnknownHostException e) {
            return null; // getByAddress only refuses a wrong length, which parse() never produces
        } catch (IOException | RuntimeException e) {
            // A damaged region of the file: that address is unknown, the server carries on.
            return null;
        }
    }

    AsnRecord asn(byte[] address) {
        return asnOf(get(address));
    }

    Place place(byte[] address) {
        return placeOf(get(address));
    }

    /** GeoLite2-ASN / DB-IP ({@code autonomous_system_*}) or IPinfo Lite ({@code asn: "AS15169"}, {@code as_name}). */
    static AsnRecord asnOf(Map<String, Object> r) {
        if (r == null) return null;
        Long asn = number(r.get("autonomous_system_number"));
        if (asn == null) asn = asNumber(r.get("asn"));
        String org = text(r.get("autonomous_system_organization"));
        if (org == null) org = text(r.get("as_name"));
        if (org == null && r.get("asn") instanceof Map<?, ?> nested) org = text(nested.get("name"));
        String domain = text(r.get("as_domain"));
        if (asn == null && org == null) return null;
        return new AsnRecord(asn == null ? 0 : asn, org, domain);
    }

    /** GeoIP2's nested records, or the flat {@code city}/{@code state1}/{@code country_code}/{@code latitude}. */
    static Place placeOf(Map<String, Object> r) {
        if (r == null) return null;
        String city = firstText(name(r.get("city")), text(r.get("city")));
        String region = null;
        if (r.get("subdivisions") instanceof List<?> subs && !subs.isEmpty()) region = name(subs.get(0));
        if (region == null) region = text(r.get("state1"));
        String country = name(r.get("country"));
        if (country == null) country = text(r.get("country"));
        String code = null;
        if (r.get("country") instanceof Map<?, ?> c) code = text(c.get("iso_code"));
        if (code == null) code = text(r.get("country_code"));
        Double lat = null;
        Double lon = null;
        if (r.get("location") instanceof Map<?, ?> loc) {
            lat = decimal(loc.get("latitude"));
            lon = decimal(loc.get("longitude"));
        }
        if (lat == null) lat = decimal(r.get("latitude"));
        if (lon == null) lon = decimal(r.get("longitude"));
        Place p = new Place(city, region, country, code, lat, lon);
        return p.known() ? p : null;
    }

    /** The English name of a GeoIP2 record such as {@code {"names": {"en": "Prague"}}}. */
    private static String name(Object o) {
        if (!(o instanceof Map<?, ?> m)) return null;
        if (m.get("names") instanceof Map<?, ?> names) return text(names.get("en"));
        return null;
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    private static String firstText(String a, String b) {
        return a != null ? a : b;
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    /** IPinfo writes the number as "AS15169". */
    private static Long asNumber(Object o) {
        if (o instanceof Number n) return n.longValue();
        if (o instanceof String s && s.length() > 2 && s.regionMatches(true, 0, "AS", 0, 2)) {
            try {
                return Long.parseLong(s.substring(2));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Flat files store coordinates as 32-bit floats: keep the digits they hold, not 51.51430130004883. */
    private static Double decimal(Object o) {
        if (o instanceof Float f) return Double.valueOf(Float.toString(f));
        return o instanceof Number n ? n.doubleValue() : null;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // in-memory: nothing is held open
        }
    }
}
