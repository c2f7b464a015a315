package dev.tippen.track;

import dev.tippen.enrich.Enricher;
import dev.tippen.http.ApiError;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.Credentials;
import dev.tippen.http.RateLimits;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** POST /track/visitor: admit (limits, key, type), parse, hand to the site, answer once the event is durable. */
public final class TrackHandler {
    private static final String CLIENT_IP = "tippen.clientIp";
    private static final String SITE_ID = "tippen.siteId";

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
        checkContentType(ctx.request().getHeader("Content-Type"));
        limits.trackForSite(auth.site().siteId());
        ctx.put(CLIENT_IP, enricher.visibleIp(ip));
        ctx.put(SITE_ID, auth.site().siteId());
        ctx.next();
    }

    public void handle(RoutingContext ctx) {
        // admit() always runs first on this route and resolved the address and the site once.
        String ip = ctx.get(CLIENT_IP);
        VisitorEvent parsed = TrackRequest.parse(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes(), ip);
        String siteId = ctx.get(SITE_ID);
        enricher.device(parsed.browser().userAgent())
                .compose(device -> sites.track(siteId, parsed.with(device)))
                .onSuccess(v -> {
                    if (enricher.pending(ip, v.profile() == null ? null : v.profile().source())) {
                        // Never awaited: the provider's reply reaches the dashboards as an "enriched" update.
                        enricher.later(ip, v.enrichment())
                                .onSuccess(better -> sites.enrich(siteId, v.visitorId(), ip, better));
                    }
                })
                .onSuccess(v -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("success", true).put("sessionId", v.visitorId()).encode()))
                .onFailure(ctx::fail);
    }

    /** JSON, or text/plain as navigator.sendBeacon sends it; a missing type is read as JSON. */
    static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) return;
        String type = contentType.split(";", 2)[0].trim().toLowerCase();
        if (type.equals("application/json") || type.equals("text/plain")) return;
        throw new ApiError(415, "Content-Type must be application/json or text/plain, not " + type);
    }
}
