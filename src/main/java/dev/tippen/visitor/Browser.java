package dev.tippen.visitor;

/** What the visitor's browser told us about itself; any field may be null. */
public record Browser(String userAgent, String screenResolution, String language, String timezone) {
    public static final Browser NONE = new Browser(null, null, null, null);

    /**
     * Fields the event left out keep what was known; when nothing changed, the known instance is
     * kept, so an unchanged visitor shares its parts with its previous state.
     */
    Browser over(Browser before) {
        if (before == null) return this;
        String ua = SiteRules.keep(userAgent, before.userAgent);
        String screen = SiteRules.keep(screenResolution, before.screenResolution);
        String lang = SiteRules.keep(language, before.language);
        String tz = SiteRules.keep(timezone, before.timezone);
        if (ua == before.userAgent && screen == before.screenResolution && lang == before.language && tz == before.timezone) {
            return before;
        }
        return new Browser(ua, screen, lang, tz);
    }
}
