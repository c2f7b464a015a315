package dev.tippen.console;

import dev.tippen.http.ClientAddress;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where a join or reset link points. The token rides in the fragment ({@code /console/join#...}),
 * which browsers never send: it stays out of access logs, proxies and Referer headers.
 */
public final class JoinLinks {
    private final String publicUrl;
    private final ClientAddress clientAddress;

    /** {@code publicUrl}: the server's address as people reach it (--public-url), or null to use each request's own. */
    public JoinLinks(String publicUrl, ClientAddress clientAddress) {
        this.publicUrl = publicUrl == null || publicUrl.isBlank() ? null : strip(publicUrl.trim());
        this.clientAddress = clientAddress;
    }

    public String base(HttpServerRequest req) {
        if (publicUrl != null) return publicUrl;
        io.vertx.core.net.HostAndPort a = req.authority();
        String host = a == null ? "localhost" : a.host().contains(":") && !a.host().startsWith("[") ? "[" + a.host() + "]" : a.host();
        return clientAddress.scheme(req) + "://" + host + (a == null || a.port() < 0 ? "" : ":" + a.port());
    }

    public static String url(String base, String token) {
        return strip(base) + "/console/join#" + token;
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
