package dev.tippen.track;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tippen.http.ApiError;
import dev.tippen.visitor.Browser;
import dev.tippen.visitor.EventType;
import dev.tippen.visitor.Page;
import dev.tippen.visitor.VisitorEvent;
import dev.tippen.visitor.VisitorIds;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Parses a /track/visitor body into a {@link VisitorEvent}, streaming, so hostile bodies cost little.
 * Known string fields are capped; unknown fields are skipped; wrong types are a 400 naming the field.
 */
public final class TrackRequest {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();
    /** What a page-load id may look like: the served tracker's are 16 hex digits. */
    static final Pattern PAGE_LOAD_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static final int URL_MAX = 2048;
    static final int TEXT_MAX = 512;
    static final int SHORT_MAX = 64;

    private TrackRequest() {}

    /** Parses the body where it lies when it is a heap buffer (the usual case), else from a copy. */
    public static VisitorEvent parse(io.vertx.core.buffer.Buffer body, String ip) {
        if (body instanceof io.vertx.core.internal.buffer.BufferInternal internal) {
            io.netty.buffer.ByteBuf b = internal.getByteBuf();
            if (b.hasArray()) return parse(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes(), ip);
        }
        byte[] bytes = body.getBytes();
        return parse(bytes, 0, bytes.length, ip);
    }

    public static VisitorEvent parse(byte[] body, String ip) {
        return parse(body, 0, body.length, ip);
    }

    static VisitorEvent parse(byte[] body, int offset, int length, String ip) {
        if (length == 0) throw ApiError.badRequest("empty body; expected a JSON object");
        String event = null;
        String website = null;
        Fields v = null;
        try (JsonParser p = JSON.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw ApiError.badRequest("body must be a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "event" -> event = string(p, t, "event", SHORT_MAX);
                    case "website" -> website = string(p, t, "website", 253);
                    case "visitor" -> v = visitor(p, t);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) throw ApiError.badRequest("unexpected data after the JSON object");
        } catch (JsonParseException e) {
            throw ApiError.badRequest("body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
        if (event == null) throw ApiError.badRequest("missing 'event'");
        String ev = event;
        EventType type = EventType.fromWire(event).orElseThrow(() -> ApiError.badRequest(
                "unknown event '" + ev + "'; expected pageview, heartbeat, exit, video_accepted or video_declined"));
        if (v == null) throw ApiError.badRequest("missing 'visitor' object");
        if (v.visitorId == null) throw ApiError.badRequest("missing 'visitor.visitorId'");
        if (!VisitorIds.valid(v.visitorId)) {
            throw ApiError.badRequest("'visitor.visitorId' must be " + VisitorIds.RULE);
        }
        if (v.pageLoadId != null && !PAGE_LOAD_ID.matcher(v.pageLoadId).matches()) {
            throw ApiError.badRequest("'visitor.pageLoadId' must be 1-64 characters of A-Z a-z 0-9 _ -");
        }
        return new VisitorEvent(type, v.visitorId, website, new Page(v.url, v.referrer, v.title),
                new Browser(v.userAgent, v.screenResolution, v.language, v.timezone), v.timestamp, ip, null, v.pageLoadId);
    }

    private static final class Fields {
        String visitorId, url, referrer, title, userAgent, screenResolution, language, timezone, timestamp, pageLoadId;
    }

    private static Fields visitor(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) throw ApiError.badRequest("'visitor' must be an object");
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken vt = p.nextToken();
            switch (name) {
                case "visitorId" -> f.visitorId = exact(p, vt, "visitor.visitorId");
                case "url" -> f.url = string(p, vt, "visitor.url", URL_MAX);
                case "referrer" -> f.referrer = string(p, vt, "visitor.referrer", URL_MAX);
                case "title" -> f.title = string(p, vt, "visitor.title", TEXT_MAX);
                case "userAgent" -> f.userAgent = string(p, vt, "visitor.userAgent", TEXT_MAX);
                case "screenResolution" -> f.screenResolution = string(p, vt, "visitor.screenResolution", SHORT_MAX);
                case "language" -> f.language = string(p, vt, "visitor.language", SHORT_MAX);
                case "timezone" -> f.timezone = string(p, vt, "visitor.timezone", SHORT_MAX);
                case "timestamp" -> f.timestamp = timestamp(p, vt);
                case "pageLoadId" -> f.pageLoadId = string(p, vt, "visitor.pageLoadId", 65);
                default -> p.skipChildren();
            }
        }
        return f;
    }

    /** A string capped at {@code max} characters; null stays null; any other type is refused. */
    private static String string(JsonParser p, JsonToken t, String field, int max) throws IOException {
        if (t == JsonToken.VALUE_NULL) return null;
        if (t != JsonToken.VALUE_STRING) throw ApiError.badRequest("'" + field + "' must be a string");
        String s = p.getText();
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String exact(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) return p.getText();
        if (t != JsonToken.VALUE_STRING) throw ApiError.badRequest("'" + field + "' must be a string");
        return p.getText();
    }

    /** Browsers send ISO strings; some clients send Date.now(). Both are kept as text, for the record only. */
    private static String timestamp(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getText();
        return string(p, t, "visitor.timestamp", SHORT_MAX);
    }
}
