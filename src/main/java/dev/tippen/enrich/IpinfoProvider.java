package dev.tippen.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * IPinfo's {@code GET /{ip}/json}: city, region, country, {@code loc} as "lat,lon", {@code org} as
 * "AS15169 Google LLC", and on plans that have them {@code asn} and {@code company} objects whose
 * {@code type} is isp, business, education or hosting. Private addresses come back as {@code bogon}.
 */
public final class IpinfoProvider extends HttpProvider {
    public static final String DEFAULT_URL = "https://ipinfo.io";

    public IpinfoProvider(WebClient client, String baseUrl, String key, long timeoutMillis) {
        super(client, baseUrl, key, timeoutMillis);
    }

    @Override
    public String name() {
        return "ipinfo";
    }

    @Override
    public Future<RemoteAnswer> lookup(String ip) {
        return get("/" + encode(ip) + "/json", IpinfoProvider::read);
    }

    static RemoteAnswer read(JsonObject j) {
        if (Boolean.TRUE.equals(j.getValue("bogon"))) return RemoteAnswer.NONE;
        JsonObject company = j.getValue("company") instanceof JsonObject c ? c : null;
        JsonObject asn = j.getValue("asn") instanceof JsonObject a ? a : null;
        Long asNumber = null;
        String asName = text(asn, "name");
        String asText = text(asn, "asn");
        String org = text(j, "org");
        if (asText == null && org != null && org.startsWith("AS")) {
            int space = org.indexOf(' ');
            asText = space > 0 ? org.substring(0, space) : org;
            if (asName == null && space > 0) asName = org.substring(space + 1);
        }
        if (asText != null) {
            try {
                asNumber = Long.parseLong(asText.startsWith("AS") ? asText.substring(2) : asText);
            } catch (NumberFormatException ignored) {
                // an AS field we cannot read is left out, the rest of the answer still counts
            }
        }
        String type = text(company, "type");
        if (type == null) type = text(asn, "type");
        Double lat = null;
        Double lon = null;
        String loc = text(j, "loc");
        if (loc != null && loc.indexOf(',') > 0) {
            try {
                lat = Double.parseDouble(loc.substring(0, loc.indexOf(',')));
                lon = Double.parseDouble(loc.substring(loc.indexOf(',') + 1));
            } catch (NumberFormatException ignored) {
                // coordinates are optional
            }
        }
        String name = text(company, "name");
        String domain = text(company, "domain");
        if (domain == null) domain = text(asn, "domain");
        RemoteAnswer a = new RemoteAnswer(name != null ? name : asName, domain, kind(type), asNumber, asName,
                text(j, "city"), text(j, "region"), null, text(j, "country"), lat, lon);
        return a.known() ? a : RemoteAnswer.NONE;
    }

    private static String kind(String type) {
        if (type == null) return null;
        return switch (type) {
            case "isp" -> NetworkKinds.ISP;
            case "hosting" -> NetworkKinds.HOSTING;
            case "education" -> NetworkKinds.EDUCATION;
            default -> NetworkKinds.BUSINESS;
        };
    }
}
