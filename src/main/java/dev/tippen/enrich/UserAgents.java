package dev.tippen.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import java.util.regex.Pattern;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * User-Agent parsing with ua-parser's maintained regex set. A first parse of a string runs hundreds of
 * regexes (a fraction of a millisecond); visitors of one site share few distinct strings, so answers are
 * kept in a bounded cache and a repeat costs one hash lookup.
 */
public final class UserAgents {
    /** Tools, headless browsers and monitors that ua-parser names as ordinary agents. */
    private static final Pattern AUTOMATION = Pattern.compile(
            "headless|phantomjs|selenium|webdriver|puppeteer|playwright|lighthouse|pingdom|uptime|monitor|"
                    + "statuscake|site24x7|datadog|newrelic|synthetic|curl/|wget/|python-|python/|aiohttp|httpx|"
                    + "go-http-client|java/|okhttp|apache-httpclient|node-fetch|axios/|undici|scrapy|libwww|"
                    + "httpclient|postman|insomnia|(?<![a-z])bot\\b|[a-z]bot/|crawler|spider|slurp|facebookexternalhit",
            Pattern.CASE_INSENSITIVE);

    private final Parser parser;
    private final Cache<String, Device> cache;

    public UserAgents(int cacheSize) {
        this.parser = new Parser();
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    public Device parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) return Device.UNKNOWN;
        return cache.get(userAgent, this::parseUncached);
    }

    /** The cached answer, or null when this string has not been parsed yet (a blank one needs no parse). */
    public Device cached(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) return Device.UNKNOWN;
        return cache.getIfPresent(userAgent);
    }

    /**
     * A rough answer in a few microseconds, for when the parser is busy: the original backend's
     * "Device - Browser" guess and the automation words. Not cached, so a later parse can do better.
     */
    public Device quick(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) return Device.UNKNOWN;
        boolean bot = AUTOMATION.matcher(userAgent).find();
        String role = OfflineEnrichment.role(userAgent);
        return new Device(bot ? "Bot" : null, null, null, bot ? "Bot - " + role.substring(role.indexOf(" - ") + 3) : role, bot);
    }

    /** A parse that skips the cache: what a never-seen string costs. */
    public Device parseUncached(String ua) {
        Client c = parser.parse(ua);
        String browserFamily = known(c.userAgent.family);
        String osFamily = known(c.os.family);
        String deviceFamily = known(c.device.family);
        boolean bot = "Spider".equals(c.device.family) || AUTOMATION.matcher(ua).find();
        String device = bot ? "Bot"
                : deviceFamily != null && !deviceFamily.equals("K") ? deviceFamily
                : osFamily == null ? null
                : isMobileOs(osFamily) ? osFamily + " device"
                : "Desktop";
        String os = osFamily == null ? null : withMajor(osFamily, c.os.major, c.os.minor);
        String browser = browserFamily == null ? null : withMajor(browserFamily, c.userAgent.major, null);
        return new Device(device, os, browser, role(deviceFamily, osFamily, browserFamily, bot), bot);
    }

    /** The original dashboard's "Device - Browser" line: iPhone, iPad, Android, Mac, Windows or Linux. */
    private static String role(String deviceFamily, String osFamily, String browserFamily, boolean bot) {
        String d;
        if (bot) d = "Bot";
        else if ("iPhone".equals(deviceFamily) || "iPad".equals(deviceFamily)) d = deviceFamily;
        else if (osFamily == null) d = "Unknown Device";
        else if (osFamily.equals("Android")) d = "Android";
        else if (osFamily.startsWith("Mac")) d = "Mac";
        else if (osFamily.startsWith("Windows")) d = "Windows";
        else if (osFamily.equals("iOS")) d = "iPhone";
        else if (osFamily.equals("Chrome OS")) d = "Chromebook";
        else d = "Linux";
        String b = browserFamily == null ? "Unknown Browser" : browserFamily;
        return d + " - " + b;
    }

    private static boolean isMobileOs(String os) {
        String o = os.toLowerCase(Locale.ROOT);
        return o.equals("android") || o.equals("ios") || o.contains("phone") || o.equals("kaios");
    }

    private static String known(String family) {
        return family == null || family.isBlank() || family.equals("Other") || family.equals("Generic") ? null : family;
    }

    private static String withMajor(String family, String major, String minor) {
        if (major == null || major.isBlank()) return family;
        if (minor == null || minor.isBlank()) return family + " " + major;
        return family + " " + major + "." + minor;
    }
}
