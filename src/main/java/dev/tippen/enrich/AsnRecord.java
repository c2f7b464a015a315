package dev.tippen.enrich;

/** The autonomous system that announces an address: its number, the organisation, and a domain where the data has one. */
public record AsnRecord(long asn, String organization, String domain) {}
