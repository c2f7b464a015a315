package dev.tippen.store.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tippen.visitor.Visitor;

/** The storage form of a visitor row: the record's own fields as JSON, tolerant of fields added later. */
final class StoredJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private StoredJson() {}

    static String write(Visitor v) {
        try {
            return MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("visitor not serialisable", e);
        }
    }

    static Visitor read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Visitor.class);
    }
}
