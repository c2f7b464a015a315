package dev.tippen.invite;

import dev.tippen.http.ApiError;
import java.net.URI;
import java.net.URISyntaxException;

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
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        String host = uri.getHost();
        if (!uri.isAbsolute() || host == null || host.isBlank()) {
            throw ApiError.badRequest("'guestUrl' must be an absolute https URL");
        }
        if (uri.getUserInfo() != null) throw ApiError.badRequest("'guestUrl' must not contain credentials");
        if (scheme.equals("https")) return uri.toString();
        if (scheme.equals("http") && isLocal(host)) return uri.toString();
        throw ApiError.badRequest("'guestUrl' must use https (http only for localhost), not '" + scheme + ":'");
    }

    private static boolean isLocal(String host) {
        String h = host.toLowerCase();
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") || h.equals("[::1]");
    }
}
