package dev.tippen.track;

import dev.tippen.enrich.Device;
import dev.tippen.enrich.Enricher;
import dev.tippen.http.ApiError;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.Credentials;
import dev.tippen.http.RateLimits;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.Visitor;
import dev.tippen.visitor.VisitorEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** POST /track/visitor: admit (limits, key, type), parse, hand to the site, answer once the event is durable. */
public final class TrackHandler {
    private static final String CLIENT_IP = "tippen.clientIp";
    private static final String SITE_ID = "tippen.siteId";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

    private final Credentials credentials;
    private final ClientAddress clientAddress;
    private final Sites sites;
    private final RateLimits limits;
    private final Enricher enricher;

    public TrackHandler(Credentials credentials, ClientAddress clientAddress, Sites sites, RateLimits limits,
                        Enricher enricher) {
        this.credentials = credentials;
        this.clientAddress = clientAddress;
        this.sites = sites;
        this.limits = limits;
        this.enricher = enricher;
    }

    /**
     * In front of the body handler: everything that needs no body (the address's limit, the key, the
     * content type, the site's limit) is checked before the body is read, so a flood costs little.
     */
    public void admit(RoutingContext ctx) {
        String ip = clientAddress.of(ctx.request());
        limits.trackFromIp(ip);
        Authentication.Granted auth = credentials.require(Credentials.presented(ctx.request()), KeyRole.PUBLIC);
        checkContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        limits.trackForSite(auth.site().siteId());
        ctx.put(CLIENT_IP, enricher.visibleIp(ip));
        ctx.put(SITE_ID, auth.site().siteId());
        ctx.next();
    }

    public void handle(RoutingContext ctx) {
        // admit() always runs first on this route and resolved the address and the site once.
        String ip = ctx.get(CLIENT_IP);
        Buffer body = ctx.body().buffer();
        VisitorEvent parsed = TrackRequest.parse(body == null ? new byte[0] : body.getBytes(), ip);
        String siteId = ctx.get(SITE_ID);
        // A User-Agent seen before is known at once; only a new one waits for a parser thread.
        Device known = enricher.knownDevice(parsed.browser().userAgent());
        Future<Visitor> stored = known != null
                ? sites.track(siteId, parsed.with(known))
                : enricher.device(parsed.browser().userAgent()).compose(device -> sites.track(siteId, parsed.with(device)));
        stored.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            Visitor v = ar.result();
            if (v != null && enricher.pending(ip, v.profile() == null ? null : v.profile().source())) {
                // Never awaited: the provider's reply reaches the dashboards as an "enriched" update.
                enricher.later(ip, v.enrichment()).onSuccess(better -> sites.enrich(siteId, v.visitorId(), ip, better));
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(answer(parsed.visitorId()));
        });
    }

    private static String answer(String visitorId) {
        // The id is validated ([A-Za-z0-9_.:-]), so it needs no escaping.
        return "{\"success\":true,\"sessionId\":\"" + visitorId + "\"}";
    }

    /** JSON, or text/plain as navigator.sendBeacon sends it; a missing type is read as JSON. */
    static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) return;
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.equals("text/plain")) return;
        throw new ApiError(415, "Content-Type must be application/json or text/plain, not " + type);
    }
}
