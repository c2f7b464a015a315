package dev.tippen.socket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

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

    public static void time(JsonGenerator g, String field, Long epochMillis) throws IOException {
        if (epochMillis == null) g.writeNullField(field);
        else g.writeStringField(field, Instant.ofEpochMilli(epochMillis).toString());
    }
}
