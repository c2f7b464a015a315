package dev.tippen.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tippen.visitor.Visitor;

/**
 * The storage form of a visitor row: the record's own fields as JSON, tolerant of fields added later.
 * Unknown values are left out rather than written as null (a visitor without IP data has many), which
 * keeps every heartbeat's rewrite of the row, and so the write-ahead log, small.
 */
public final class StoredJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private StoredJson() {}

    public static String write(Object v) {
        try {
            return MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(v.getClass().getSimpleName() + " not serialisable", e);
        }
    }

    public static Visitor read(String json) throws JsonProcessingException {
        return MAPPER.readValue(json, Visitor.class);
    }

    public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(json, type);
    }
}
