package dev.tippen.enrich;

import java.nio.file.Path;
import java.util.List;

/**
 * Which offline databases to load: files named one by one ({@code --asn-db}, {@code --country-db},
 * {@code --city-db}) and a directory whose files are recognised by name. {@code optional} turns a
 * missing or unreadable file from a start-up error into a warning.
 */
public record IpDataFiles(List<Path> asn, List<Path> country, List<Path> city, Path directory, boolean optional) {
    public static IpDataFiles none() {
        return new IpDataFiles(List.of(), List.of(), List.of(), null, false);
    }

    public static IpDataFiles directory(Path dir) {
        return new IpDataFiles(List.of(), List.of(), List.of(), dir, false);
    }

    public boolean any() {
        return !asn.isEmpty() || !country.isEmpty() || !city.isEmpty() || directory != null;
    }
}
