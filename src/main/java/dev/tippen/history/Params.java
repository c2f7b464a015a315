package dev.tippen.history;

import dev.tippen.http.ApiError;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The history API's query parameters: each read, checked and refused with a 400 that names it.
 * A range is {@code from} (inclusive) to {@code to} (exclusive); a bare date means that day's
 * start for {@code from} and the next day's start for {@code to}, so {@code to=2026-11-30}
 * includes the 30th. Without them, the last 30 days.
 */
final class Params {
    /** The longest range one request may ask for. */
    static final int MAX_RANGE_DAYS = 400;
    static final int DEFAULT_RANGE_DAYS = 30;
    static final int MAX_TEXT = 256;
    /** Times are bounded before any arithmetic: 1970-01-01 to 9999-12-31, so no difference of two can overflow. */
    static final long EARLIEST = 0;
    static final long LATEST = LocalDate.of(9999, 12, 31).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    private final MultiMap params;

    Params(MultiMap params, Set<String> allowed) {
        this.params = params;
        for (String name : params.names()) {
            // apiKey and site say who and where (the access gate reads them); format, how to answer.
            if (!allowed.contains(name) && !name.equals("apiKey") && !name.equals("site") && !name.equals("format")) {
                throw ApiError.badRequest("unknown parameter '" + name + "'; this route takes " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
            if (params.getAll(name).size() > 1) throw ApiError.badRequest("parameter '" + name + "' is given more than once");
        }
    }

    /** [from, to) in epoch ms. */
    long[] range(long now) {
        Long to = time("to", true);
        long end = to == null ? now : to;
        Long from = time("from", false);
        long start = from == null ? end - DEFAULT_RANGE_DAYS * Days.MILLIS : from;
        if (start >= end) throw ApiError.badRequest("'from' must be before 'to'");
        if (end - start > MAX_RANGE_DAYS * Days.MILLIS) {
            throw ApiError.badRequest("the range from 'from' to 'to' is longer than " + MAX_RANGE_DAYS + " days");
        }
        return new long[] {start, end};
    }

    private Long time(String name, boolean end) {
        String v = params.get(name);
        if (v == null || v.isBlank()) return null;
        v = v.trim();
        long t = parse(name, v, end);
        if (t < EARLIEST || t > LATEST) throw ApiError.badRequest("'" + name + "' must be between 1970-01-01 and 9999-12-31");
        return t;
    }

    private static long parse(String name, String v, boolean end) {
        try {
            if (v.length() == 10) {
                LocalDate d = LocalDate.parse(v);
                return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiError.badRequest("'" + name + "' is not an ISO-8601 date or time (e.g. 2026-11-01 or 2026-11-01T09:30:00Z)");
        }
    }

    int limit(int dflt, int max) {
        String v = params.get("limit");
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiError.badRequest("'limit' must be a whole number from 1 to " + max);
    }

    String text(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) return null;
        if (v.length() > MAX_TEXT) throw ApiError.badRequest("'" + name + "' is longer than " + MAX_TEXT + " characters");
        return v;
    }

    String oneOf(String name, java.util.List<String> values, String dflt) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) return dflt;
        if (!values.contains(v)) throw ApiError.badRequest("'" + name + "' must be one of " + String.join(", ", values));
        return v;
    }
}
