package dev.tippen.enrich;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads range files in the ip-location-db layout: {@code start,end,value...}, no header, bounds as IP
 * literals or as decimal numbers. A few bad rows are skipped and reported; a file that is mostly not
 * this layout is refused, naming the file and the first bad line.
 */
final class IpRangeCsv {
    private static final Logger log = LoggerFactory.getLogger(IpRangeCsv.class);
    private static final CsvMapper CSV = new CsvMapper();

    /** Turns the columns after the two bounds into the value a range carries. */
    interface RowValue<T> {
        T of(String[] row);
    }

    private IpRangeCsv() {}

    static <T> int read(Path file, String what, int columns, IpRangeIndexBuilder<T> into, RowValue<T> value) {
        boolean v6Hint = file.getFileName().toString().contains("ipv6");
        int good = 0;
        int bad = 0;
        long line = 0;
        String firstBad = null;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             MappingIterator<String[]> rows = CSV.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(in)) {
            while (rows.hasNextValue()) {
                String[] row = rows.nextValue();
                line++;
                String problem = null;
                if (row.length < columns) {
                    problem = "expected " + columns + " columns, found " + row.length;
                } else {
                    byte[] start = IpAddresses.bound(row[0], v6Hint);
                    byte[] end = IpAddresses.bound(row[1], v6Hint);
                    if (start == null || end == null) {
                        problem = "'" + (start == null ? row[0] : row[1]) + "' is not an IP address";
                    } else {
                        try {
                            into.add(start, end, value.of(row));
                            good++;
                        } catch (IllegalArgumentException e) {
                            problem = e.getMessage();
                        }
                    }
                }
                if (problem != null) {
                    if (line == 1) continue; // a header row
                    bad++;
                    if (firstBad == null) firstBad = "line " + line + ": " + problem;
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IpDataException ide) throw ide;
            throw new IpDataException(what + " file " + file + " cannot be read"
                    + (line > 0 ? " (after line " + line + ")" : "") + ": " + rootMessage(e), e);
        }
        if (good == 0) {
            throw new IpDataException(what + " file " + file + " has no usable rows"
                    + (firstBad == null ? " (it is empty)" : "; " + firstBad)
                    + "; expected start,end," + (columns == 4 ? "asn,organisation" : "country_code") + " per line");
        }
        if (bad > good / 100) {
            throw new IpDataException(what + " file " + file + " is not in the expected layout: " + bad + " of "
                    + (good + bad) + " rows are unusable; " + firstBad);
        }
        if (bad > 0) log.warn("event=ip_data_rows_skipped file={} skipped={} first=\"{}\"", file, bad, firstBad);
        return good;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
