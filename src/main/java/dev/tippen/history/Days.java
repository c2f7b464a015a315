package dev.tippen.history;

import java.time.LocalDate;

/** Reports count whole UTC days: a day is its number since 1970-01-01. */
final class Days {
    static final long MILLIS = 86_400_000L;

    private Days() {}

    static long of(long epochMillis) {
        return Math.floorDiv(epochMillis, MILLIS);
    }

    static String iso(long day) {
        return LocalDate.ofEpochDay(day).toString();
    }
}
