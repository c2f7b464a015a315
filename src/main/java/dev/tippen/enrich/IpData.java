package dev.tippen.enrich;

import java.util.List;

/**
 * One loaded generation of the offline databases. Immutable once built; a reload builds a new one and
 * swaps it in whole, so a lookup never sees half of an old file and half of a new one.
 */
public final class IpData implements AutoCloseable {
    static final IpData EMPTY = new IpData(null, List.of(), null, List.of(), List.of(), List.of());

    private final IpRangeIndex<AsnRecord> asnRanges;
    private final List<MmdbFile> asnFiles;
    private final IpRangeIndex<String> countryRanges;
    private final List<MmdbFile> countryFiles;
    private final List<MmdbFile> cityFiles;
    private final List<String> sources;

    IpData(IpRangeIndex<AsnRecord> asnRanges, List<MmdbFile> asnFiles, IpRangeIndex<String> countryRanges,
           List<MmdbFile> countryFiles, List<MmdbFile> cityFiles, List<String> sources) {
        this.asnRanges = asnRanges;
        this.asnFiles = List.copyOf(asnFiles);
        this.countryRanges = countryRanges;
        this.countryFiles = List.copyOf(countryFiles);
        this.cityFiles = List.copyOf(cityFiles);
        this.sources = List.copyOf(sources);
    }

    /** MaxMind files first (they carry domains and are what the operator brought), then the range files. */
    public AsnRecord asn(byte[] address) {
        for (MmdbFile f : asnFiles) {
            AsnRecord r = f.asn(address);
            if (r != null) return r;
        }
        return asnRanges == null ? null : asnRanges.find(address);
    }

    /** The most precise place any source knows, its gaps filled by the coarser sources that agree with it. */
    public Place place(byte[] address) {
        Place p = null;
        for (MmdbFile f : cityFiles) {
            Place found = f.place(address);
            if (found != null) {
                p = p == null ? found : p.orElse(found);
                if (p.city() != null) break;
            }
        }
        for (MmdbFile f : countryFiles) {
            if (p != null && p.countryCode() != null) break;
            Place found = f.place(address);
            if (found != null) p = p == null ? found : p.orElse(found);
        }
        if ((p == null || p.countryCode() == null) && countryRanges != null) {
            String code = countryRanges.find(address);
            if (code != null) {
                Place byCode = new Place(null, null, null, code, null, null);
                p = p == null ? byCode : p.orElse(byCode);
            }
        }
        return p;
    }

    boolean hasAsn() {
        return asnRanges != null || !asnFiles.isEmpty();
    }

    boolean hasPlace() {
        return countryRanges != null || !countryFiles.isEmpty() || !cityFiles.isEmpty();
    }

    public boolean empty() {
        return !hasAsn() && !hasPlace();
    }

    /** What was loaded, for the start-up log and /metrics: one line per source. */
    public List<String> sources() {
        return sources;
    }

    @Override
    public void close() {
        asnFiles.forEach(MmdbFile::close);
        countryFiles.forEach(MmdbFile::close);
        cityFiles.forEach(MmdbFile::close);
    }
}
