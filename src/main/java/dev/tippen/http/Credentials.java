package dev.tippen.http;

import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import io.vertx.core.http.HttpServerRequest;

/** Finds the key a request presents and checks it for a role; a refusal becomes an {@link ApiError}. */
public final class Credentials {
    /**
     * Who is asking for a secret-key route: the key's grant, and the console session it came through
     * (null when the key itself was presented). {@code sameOrigin}: a console page of this server.
     */
    public record Holder(Authentication.Granted granted, String sessionId, boolean sameOrigin) {}

    private final KeyRegistry keys;

    public Credentials(KeyRegistry keys) {
        this.keys = keys;
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

    /** The secret key a dashboard or API request presents. */
    public Holder secret(HttpServerRequest request) {
        return new Holder(require(presented(request), KeyRole.SECRET), null, false);
    }

    public Holder dashboard(HttpServerRequest request) {
        return secret(request);
    }
}
