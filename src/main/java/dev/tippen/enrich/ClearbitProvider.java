package dev.tippen.enrich;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * Clearbit Reveal's shape, at the path the original backend called: {@code GET /v1/domains/find?ip=}.
 * The answer names a {@code domain}, a {@code type} (company, education, government, isp) and a
 * {@code company} with {@code geo}; 404 means the address is not known to belong to a company.
 */
public final class ClearbitProvider extends HttpProvider {
    public static final String DEFAULT_URL = "https://reveal.clearbit.com";

    public ClearbitProvider(WebClient client, String baseUrl, String key, long timeoutMillis) {
        super(client, baseUrl, key, timeoutMillis);
    }

    @Override
    public String name() {
        return "clearbit";
    }

    @Override
    public Future<RemoteAnswer> lookup(String ip) {
        return get("/v1/domains/find?ip=" + encode(ip), ClearbitProvider::read);
    }

    static RemoteAnswer read(JsonObject j) {
        JsonObject company = j.getValue("company") instanceof JsonObject c ? c : null;
        JsonObject geo = company != null && company.getValue("geo") instanceof JsonObject g ? g
                : j.getValue("geoIP") instanceof JsonObject g2 ? g2 : null;
        String type = text(j, "type");
        String network = type == null ? null : switch (type) {
            case "isp" -> NetworkKinds.ISP;
            case "education" -> NetworkKinds.EDUCATION;
            default -> NetworkKinds.BUSINESS;
        };
        String domain = text(j, "domain");
        if (domain == null) domain = text(company, "domain");
        RemoteAnswer a = new RemoteAnswer(text(company, "name"), domain, network, null, null,
                text(geo, "city"), text(geo, "state"), text(geo, "country"), text(geo, "countryCode"),
                number(geo, "lat"), number(geo, "lng"));
        return a.known() ? a : RemoteAnswer.NONE;
    }
}
