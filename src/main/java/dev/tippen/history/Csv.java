package dev.tippen.history;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV for spreadsheets, header row first. Every value a visitor could have written is defused: a
 * cell that starts with {@code = + - @} or a control character is prefixed with {@code '}, so a
 * page title cannot become a formula in the sales team's spreadsheet.
 */
public final class Csv {
    private static final CsvMapper MAPPER = new CsvMapper();

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Csv(String... header) {
        this.header = List.of(header);
    }

    public Csv row(Object... cells) {
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) r.add(defuse(c == null ? "" : c.toString()));
        rows.add(r);
        return this;
    }

    static String defuse(String s) {
        if (s.isEmpty()) return s;
        char c = s.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n' ? "'" + s : s;
    }

    public String encode() {
        CsvSchema.Builder b = CsvSchema.builder().setUseHeader(true);
        for (String h : header) b.addColumn(h);
        StringWriter out = new StringWriter();
        try (SequenceWriter w = MAPPER.writer(b.build()).writeValues(out)) {
            for (List<String> r : rows) w.write(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
