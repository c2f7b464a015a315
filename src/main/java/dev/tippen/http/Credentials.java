package dev.tippen.http;

import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import io.vertx.core.http.HttpServerRequest;

/** Finds the key a request presents and checks it for a role; a refusal becomes an {@link ApiError}. */
public final class Credentials {
    private final KeyRegistry keys;
    private final ClientAddress clientAddress;

    public Credentials(KeyRegistry keys, ClientAddress clientAddress) {
        this.keys = keys;
        this.clientAddress = clientAddress;
    }

    /** Header X-Tippen-API-Key, then Authorization: Bearer, then ?apiKey= (sendBeacon and WebSockets cannot set headers). */
    public static String presented(HttpServerRequest request) {
        String key = request.getHeader("X-Tippen-API-Key");
        if (key != null && !key.isBlank()) return key.trim();
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return request.getParam("apiKey");
    }

    public Authentication.Granted require(String key, KeyRole role) {
        Authentication a = keys.authenticate(key, role);
        if (a instanceof Authentication.Refused r) throw new ApiError(r.status(), r.error());
        return (Authentication.Granted) a;
    }

    /** The console's cookie: HttpOnly, SameSite=Strict, never readable by a page's scripts. */
    public static final String SESSION_COOKIE = "tippen_session";

    /**
     * True when the request's Origin is this server itself (the scheme, host and port it was asked
     * for), or absent. The scheme counts: a page served over plain http is another origin than the
     * https console, and may be an attacker's on the same host name.
     */
    public boolean sameOrigin(HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) return true;
        // HTTP/2 names the host in :authority, HTTP/1.1 in Host: Vert.x gives either as the authority.
        io.vertx.core.net.HostAndPort asked = request.authority();
        if (asked == null) return false;
        try {
            java.net.URI o = java.net.URI.create(origin.trim());
            if (o.getHost() == null || o.getScheme() == null) return false;
            if (!o.getScheme().equalsIgnoreCase(clientAddress.scheme(request))) return false;
            int defaultPort = "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            int originPort = o.getPort() < 0 ? defaultPort : o.getPort();
            int askedPort = asked.port() < 0 ? defaultPort : asked.port();
            return o.getHost().equalsIgnoreCase(asked.host()) && originPort == askedPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

}
