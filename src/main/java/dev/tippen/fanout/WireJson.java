package dev.tippen.fanout;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

    public static void time(JsonGenerator g, String field, Long epochMillis) throws IOException {
        if (epochMillis == null) g.writeNullField(field);
        else g.writeStringField(field, Instant.ofEpochMilli(epochMillis).toString());
    }
}
