package dev.tippen.enrich;

/**
 * What enrichment adds to a visitor beyond the original's company, location and role lines. Any field
 * may be null when no source knew it. {@code source} says who answered last: "offline" (the
 * databases on disk), or the remote provider's name.
 */
public record Profile(
        Long asn,
        String asOrganization,
        String companyDomain,
        String network,
        String city,
        String region,
        String country,
        String countryCode,
        Double latitude,
        Double longitude,
        String device,
        String os,
        String browser,
        boolean bot,
        String source) {}
