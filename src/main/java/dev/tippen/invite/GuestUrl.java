package dev.tippen.invite;

import dev.tippen.http.ApiError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The tracker puts the guest URL in an iframe on the customer's page, so anything but a plain web
 * address would be script injection: only absolute https URLs, or http for a local host.
 */
public final class GuestUrl {
    static final int MAX_LENGTH = 2048;

    private GuestUrl() {}

    public static String validate(String url) {
        if (url == null || url.isBlank()) throw ApiError.badRequest("missing 'guestUrl'");
        if (url.length() > MAX_LENGTH) throw ApiError.badRequest("'guestUrl' is longer than " + MAX_LENGTH + " characters");
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ApiError.badRequest("'guestUrl' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isBlank()) {
            throw ApiError.badRequest("'guestUrl' must be an absolute https URL");
        }
        if (uri.getUserInfo() != null) throw ApiError.badRequest("'guestUrl' must not contain credentials");
        if (scheme.equals("https")) return uri.toString();
        if (scheme.equals("http") && isLocal(host)) return uri.toString();
        throw ApiError.badRequest("'guestUrl' must use https (http only for localhost), not '" + scheme + ":'");
    }

    /**
     * A loopback address: the name localhost (and its subdomains, which browsers resolve to loopback
     * themselves), an IPv4 literal in 127.0.0.0/8, or [::1]. A name that merely starts with "127." is
     * anyone's host.
     */
    static boolean isLocal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("[::1]")) return true;
        return io.netty.util.NetUtil.isValidIpV4Address(h) && h.startsWith("127.");
    }
}
