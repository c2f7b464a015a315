package dev.tippen.visitor;

/** What the visitor's browser told us about itself; any field may be null. */
public record Browser(String userAgent, String screenResolution, String language, String timezone) {
    public static final Browser NONE = new Browser(null, null, null, null);

    /** Fields the event left out keep what was known. */
    Browser over(Browser before) {
        if (before == null) return this;
        return new Browser(or(userAgent, before.userAgent), or(screenResolution, before.screenResolution),
                or(language, before.language), or(timezone, before.timezone));
    }

    static String or(String a, String b) {
        return a != null ? a : b;
    }
}
