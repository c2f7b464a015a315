package dev.tippen.enrich;

/** The visitor's company, location and role lines, and the profile behind them. */
public record Enrichment(String company, String location, String role, Profile profile) {
    public boolean bot() {
        return profile != null && profile.bot();
    }
}
