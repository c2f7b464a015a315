package dev.tippen.enrich;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The credit lines the loaded datasets' licences ask for, as HTML for the index page. CC BY data
 * must name its makers; DB-IP asks web applications for a link back.
 */
public final class Attribution {
    private Attribution() {}

    public static List<String> html(List<String> sources) {
        Set<String> lines = new LinkedHashSet<>();
        for (String s : sources) {
            String n = s.toLowerCase(Locale.ROOT);
            if (n.startsWith("asn asn-") && n.contains(".csv")) {
                lines.add("Network data: <a href=\"https://github.com/sapics/ip-location-db\">ip-location-db</a> (CC BY 4.0), "
                        + "built from <a href=\"https://www.routeviews.org/\">RouteViews</a>, the RIRs via the "
                        + "<a href=\"https://www.nro.net/\">NRO</a>, and <a href=\"https://db-ip.com\">IP Geolocation by DB-IP</a>.");
            } else if (n.contains("geo-whois-asn-country")) {
                lines.add("Country data: <a href=\"https://github.com/sapics/ip-location-db\">ip-location-db</a> (CC0).");
            }
            if (n.contains("geolite2")) {
                lines.add("This product includes GeoLite2 data created by MaxMind, available from "
                        + "<a href=\"https://www.maxmind.com\">https://www.maxmind.com</a>.");
            }
            if (n.contains("dbip") || n.contains("db-ip")) {
                lines.add("<a href=\"https://db-ip.com\">IP Geolocation by DB-IP</a> (CC BY 4.0).");
            }
            if (n.contains("ipinfo")) {
                lines.add("<a href=\"https://ipinfo.io\">IP address data powered by IPinfo</a>.");
            }
        }
        return List.copyOf(lines);
    }
}
