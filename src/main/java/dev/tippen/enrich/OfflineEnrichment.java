package dev.tippen.enrich;

import java.net.URI;

/**
 * What can be said about a visitor with no database at all, filled the way the original backend did:
 * a company guessed from the referrer or page host, the browser's time zone as a place, and a
 * "Device - Browser" role line.
 */
public final class OfflineEnrichment {
    private OfflineEnrichment() {}

    public static String company(String url, String referrer) {
        if (referrer != null && !referrer.isBlank() && !"direct".equals(referrer)) {
            String host = host(referrer);
            if (host != null) return host;
        }
        if (url != null) {
            String host = host(url);
            if (host != null) return host + " Visitor";
        }
        return "Direct Visitor";
    }

    public static String location(String timezone) {
        return timezone == null || timezone.isBlank() ? "Unknown Location" : timezone;
    }

    public static String role(String ua) {
        String u = ua == null ? "" : ua;
        String device = u.contains("iPhone") ? "iPhone"
                : u.contains("iPad") ? "iPad"
                : u.contains("Android") ? "Android"
                : u.contains("Mac") ? "Mac"
                : u.contains("Windows") ? "Windows"
                : u.contains("Linux") ? "Linux"
                : "Unknown Device";
        String browser = u.contains("Edg") ? "Edge"
                : u.contains("Firefox") ? "Firefox"
                : u.contains("Chrome") ? "Chrome"
                : u.contains("Safari") ? "Safari"
                : "Unknown Browser";
        return device + " - " + browser;
    }

    private static String host(String url) {
        try {
            String h = URI.create(url.trim()).getHost();
            if (h == null || h.isBlank()) return null;
            return h.startsWith("www.") ? h.substring(4) : h;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
