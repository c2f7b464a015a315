package dev.tippen.enrich;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link IpData} from files. Range files ({@code .csv}) become in-memory indexes; MaxMind
 * files ({@code .mmdb}) are memory-mapped. Files in the data directory are recognised by name:
 * "country" before "city" before "asn", since ip-location-db's country files also say "asn".
 */
public final class IpDataLoader {
    private static final Logger log = LoggerFactory.getLogger(IpDataLoader.class);

    enum Kind {
        ASN("ASN database"), COUNTRY("country database"), CITY("city database");

        final String what;

        Kind(String what) {
            this.what = what;
        }
    }

    record Source(Kind kind, Path path) {}

    private IpDataLoader() {}

    public static IpData load(IpDataFiles files) {
        List<Source> sources = sources(files);
        IpRangeIndexBuilder<AsnRecord> asnRanges = new IpRangeIndexBuilder<>();
        IpRangeIndexBuilder<String> countryRanges = new IpRangeIndexBuilder<>();
        List<MmdbFile> asnFiles = new ArrayList<>();
        List<MmdbFile> countryFiles = new ArrayList<>();
        List<MmdbFile> cityFiles = new ArrayList<>();
        List<String> loaded = new ArrayList<>();
        try {
            for (Source s : sources) {
                try {
                    loaded.add(loadOne(s, asnRanges, countryRanges, asnFiles, countryFiles, cityFiles));
                } catch (IpDataException e) {
                    if (!files.optional()) throw e;
                    log.warn("event=ip_data_skipped reason=\"{}\"", e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            asnFiles.forEach(MmdbFile::close);
            countryFiles.forEach(MmdbFile::close);
            cityFiles.forEach(MmdbFile::close);
            throw e;
        }
        return new IpData(asnRanges.ranges() == 0 ? null : asnRanges.build(), asnFiles,
                countryRanges.ranges() == 0 ? null : countryRanges.build(), countryFiles, cityFiles, loaded);
    }

    private static String loadOne(Source s, IpRangeIndexBuilder<AsnRecord> asnRanges, IpRangeIndexBuilder<String> countryRanges,
                                  List<MmdbFile> asnFiles, List<MmdbFile> countryFiles, List<MmdbFile> cityFiles) {
        Path p = s.path();
        if (!Files.isRegularFile(p)) throw new IpDataException(s.kind().what + " file " + p + " does not exist");
        if (!Files.isReadable(p)) throw new IpDataException(s.kind().what + " file " + p + " is not readable");
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        long t0 = System.nanoTime();
        String summary;
        if (name.endsWith(".mmdb")) {
            MmdbFile f = MmdbFile.open(p, s.kind().what);
            (s.kind() == Kind.ASN ? asnFiles : s.kind() == Kind.CITY ? cityFiles : countryFiles).add(f);
            summary = s.kind().name().toLowerCase(Locale.ROOT) + " " + p.getFileName() + " (" + f.databaseType() + ")";
        } else if (s.kind() == Kind.ASN) {
            int rows = IpRangeCsv.read(p, s.kind().what, 4, asnRanges, IpDataLoader::asnRow);
            summary = "asn " + p.getFileName() + " (" + rows + " ranges)";
        } else if (s.kind() == Kind.COUNTRY) {
            int rows = IpRangeCsv.read(p, s.kind().what, 3, countryRanges, IpDataLoader::countryRow);
            summary = "country " + p.getFileName() + " (" + rows + " ranges)";
        } else {
            throw new IpDataException(s.kind().what + " file " + p + " must be a MaxMind .mmdb file");
        }
        log.info("event=ip_data_loaded source=\"{}\" ms={}", summary, (System.nanoTime() - t0) / 1_000_000);
        return summary;
    }

    private static AsnRecord asnRow(String[] row) {
        long asn;
        try {
            String a = row[2].trim();
            asn = Long.parseLong(a.regionMatches(true, 0, "AS", 0, 2) ? a.substring(2) : a);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + row[2] + "' is not an AS number");
        }
        String org = row[3].trim();
        return new AsnRecord(asn, org.isEmpty() ? null : org, null);
    }

    private static String countryRow(String[] row) {
        String code = row[2].trim().toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z]{2}")) throw new IllegalArgumentException("'" + row[2] + "' is not a country code");
        return code;
    }

    /** Every file to load, in order: named files first, then the directory's, sorted by name. */
    static List<Source> sources(IpDataFiles files) {
        List<Source> out = new ArrayList<>();
        files.asn().forEach(p -> out.add(new Source(Kind.ASN, p)));
        files.country().forEach(p -> out.add(new Source(Kind.COUNTRY, p)));
        files.city().forEach(p -> out.add(new Source(Kind.CITY, p)));
        Path dir = files.directory();
        if (dir != null && Files.isDirectory(dir)) {
            List<Path> listed;
            try (Stream<Path> s = Files.list(dir)) {
                listed = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new IpDataException("IP data directory " + dir + " cannot be listed: " + e.getMessage(), e);
            }
            for (Path p : listed) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                boolean csv = n.endsWith(".csv");
                if (!csv && !n.endsWith(".mmdb")) continue;
                // ip-location-db ships each range file twice, as literals and as numbers: read one.
                if (csv && n.endsWith("-num.csv") && listed.contains(p.resolveSibling(n.replace("-num.csv", ".csv")))) continue;
                // An IPv4-plus-IPv6 .mmdb and its per-family halves hold the same data.
                if (n.endsWith("-ipv4.mmdb") || n.endsWith("-ipv6.mmdb")) {
                    String both = n.replace("-ipv4.mmdb", ".mmdb").replace("-ipv6.mmdb", ".mmdb");
                    if (listed.stream().anyMatch(q -> q.getFileName().toString().equalsIgnoreCase(both))) continue;
                }
                Kind kind = n.contains("country") ? Kind.COUNTRY : n.contains("city") ? Kind.CITY : n.contains("asn") ? Kind.ASN : null;
                if (kind != null) out.add(new Source(kind, p));
            }
        }
        return out;
    }

    /** Changes whenever a file to load is added, removed, replaced or rewritten. */
    static String fingerprint(IpDataFiles files) {
        StringBuilder b = new StringBuilder();
        for (Source s : sources(files)) {
            b.append(s.path()).append('|');
            try {
                b.append(Files.size(s.path())).append('|').append(Files.getLastModifiedTime(s.path()).toMillis());
            } catch (IOException e) {
                b.append("missing");
            }
            b.append('\n');
        }
        return b.toString();
    }
}
