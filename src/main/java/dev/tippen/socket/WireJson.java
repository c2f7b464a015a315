package dev.tippen.socket;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;

/** Writes wire messages with Jackson's streaming generator: explicit field order, no reflection. */
public final class WireJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private WireJson() {}

    public static String object(Body body) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * As {@link #object}, straight to UTF-8 bytes: a message for sockets is sent as bytes, so it is
     * never a String first.
     */
    public static Text text(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return Text.ofUtf8(bytes);
    }

    /**
     * A run of values that is not a document of its own (a part of a long array): the generator writes
     * no separators between root values, so the body writes its own.
     */
    public static String fragment(Body body) {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new MinimalPrettyPrinter(""));
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A time as {@link Instant#toString()} writes it ("2026-12-06T17:05:09.120Z", no fraction on a
     * whole second), without its formatter: a visitor's times are written for every update to every
     * form, and the formatter's garbage was a fifth of all the node allocated under load.
     */
    public static void time(JsonGenerator g, String field, Long epochMillis) throws IOException {
        if (epochMillis == null) {
            g.writeNullField(field);
            return;
        }
        g.writeFieldName(field);
        char[] out = new char[24];
        int n = iso(epochMillis, out);
        if (n < 0) g.writeString(Instant.ofEpochMilli(epochMillis).toString());
        else g.writeString(out, 0, n);
    }

    /** Writes the time into {@code out} and returns its length, or -1 outside years 0000-9999. */
    static int iso(long epochMillis, char[] out) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        int millisOfDay = (int) Math.floorMod(epochMillis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(days);
        int year = date.getYear();
        if (year < 0 || year > 9999) return -1;
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        int seconds = millisOfDay / 1000;
        digits(out, 11, seconds / 3600, 2);
        out[13] = ':';
        digits(out, 14, seconds / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, seconds % 60, 2);
        int millis = millisOfDay % 1000;
        if (millis == 0) {
            out[19] = 'Z';
            return 20;
        }
        out[19] = '.';
        digits(out, 20, millis, 3);
        out[23] = 'Z';
        return 24;
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
