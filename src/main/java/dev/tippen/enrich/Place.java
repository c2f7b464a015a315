package dev.tippen.enrich;

import java.util.Locale;

/** Where an address is, as far as the data knows; any field may be null. */
public record Place(String city, String region, String country, String countryCode, Double latitude, Double longitude) {
    public static final Place UNKNOWN = new Place(null, null, null, null, null, null);

    /** Fills what this place lacks from a coarser source, as long as both agree on the country. */
    Place orElse(Place other) {
        if (other == null) return this;
        if (countryCode != null && other.countryCode != null && !countryCode.equals(other.countryCode)) return this;
        return new Place(
                city != null ? city : other.city,
                region != null ? region : other.region,
                country != null ? country : other.country,
                countryCode != null ? countryCode : other.countryCode,
                latitude != null ? latitude : other.latitude,
                longitude != null ? longitude : other.longitude);
    }

    boolean known() {
        return city != null || countryCode != null || country != null;
    }

    /** "City, Region, Country", leaving out what is unknown, or null when nothing is. */
    public String label() {
        StringBuilder b = new StringBuilder();
        for (String part : new String[] {city, region, countryName()}) {
            if (part == null || part.isBlank()) continue;
            if (b.length() > 0) b.append(", ");
            b.append(part);
        }
        return b.length() == 0 ? null : b.toString();
    }

    String countryName() {
        if (country != null) return country;
        if (countryCode == null || countryCode.length() != 2) return countryCode;
        String name = new Locale("", countryCode).getDisplayCountry(Locale.ENGLISH);
        return name.isBlank() || name.equals(countryCode) ? countryCode : name;
    }
}
