package dev.tippen.track;

import dev.tippen.enrich.Device;
import dev.tippen.enrich.Enricher;
import dev.tippen.http.ApiError;
import dev.tippen.http.Bodies;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.Credentials;
import dev.tippen.http.Errors;
import dev.tippen.http.RateLimits;
import dev.tippen.metrics.TippenMetrics;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRole;
import dev.tippen.site.VisitorTokens;
import dev.tippen.visitor.SiteRefusal;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.Visitor;
import dev.tippen.visitor.VisitorEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * POST /track/visitor, the hot path, straight from the server's request handler (no router, no
 * routing context): admit (the address's limit, the key, the content type, the site's limits on
 * events and on bytes stored, all before the body is read), read the body, parse, hand to the site, answer once the event is durable.
 */
public final class TrackHandler implements Handler<HttpServerRequest> {
    public static final String PATH = "/track/visitor";
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("Access-Control-Allow-Origin");
    private static final CharSequence ANY = HttpHeaders.createOptimized("*");
    private static final byte[] ANSWER_HEAD = "{\"success\":true,\"sessionId\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANSWER_TOKEN = "\",\"visitorToken\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANSWER_TAIL = "\"}".getBytes(StandardCharsets.US_ASCII);

    private final Credentials credentials;
    private final ClientAddress clientAddress;
    private final Sites sites;
    private final RateLimits limits;
    private final Enricher enricher;
    private final Errors errors;
    private final TippenMetrics metrics;
    private final int maxBodyBytes;
    private final long bodyTimeoutMillis;
    private final VisitorTokens tokens;

    public TrackHandler(Credentials credentials, ClientAddress clientAddress, Sites sites, RateLimits limits, Enricher enricher,
                        Errors errors, TippenMetrics metrics, int maxBodyBytes, long bodyTimeoutMillis, VisitorTokens tokens) {
        this.tokens = tokens;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
        this.credentials = credentials;
        this.clientAddress = clientAddress;
        this.sites = sites;
        this.limits = limits;
        this.enricher = enricher;
        this.errors = errors;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpServerRequest req) {
        long arrived = System.nanoTime();
        String ip;
        String siteId;
        try {
            ip = clientAddress.of(req);
            limits.trackFromIp(clientAddress.limitKey(ip));
            Authentication.Granted auth = credentials.require(Credentials.presented(req), KeyRole.PUBLIC);
            checkContentType(req.getHeader(HttpHeaders.CONTENT_TYPE));
            siteId = auth.site().siteId();
            limits.trackForSite(siteId);
            SiteRefusal spent = sites.writesRefused(siteId);
            if (spent != null) throw spent;
        } catch (RuntimeException e) {
            fail(req, e);
            return;
        }
        String visibleIp = enricher.visibleIp(ip);
        Bodies.read(req, maxBodyBytes, bodyTimeoutMillis).onComplete(ar -> {
            if (ar.failed()) fail(req, ar.cause());
            else track(req, siteId, visibleIp, ar.result(), arrived);
        });
    }

    private void track(HttpServerRequest req, String siteId, String ip, Buffer body, long arrived) {
        VisitorEvent parsed;
        try {
            parsed = TrackRequest.parse(body, ip);
        } catch (RuntimeException e) {
            fail(req, e);
            return;
        }
        // A User-Agent seen before is known at once; only a new one waits for a parser thread.
        Device known = enricher.knownDevice(parsed.browser().userAgent());
        Future<Visitor> stored = known != null
                ? sites.track(siteId, parsed.with(known))
                : enricher.device(parsed.browser().userAgent()).compose(device -> sites.track(siteId, parsed.with(device)));
        stored.onComplete(ar -> {
            if (ar.failed()) {
                fail(req, ar.cause());
                return;
            }
            Visitor v = ar.result();
            if (v != null && enricher.pending(ip, v.profile() == null ? null : v.profile().source())) {
                // Never awaited: the provider's reply reaches the dashboards as an "enriched" update.
                enricher.later(ip, v.enrichment()).onSuccess(better -> sites.enrich(siteId, v.visitorId(), ip, better));
            }
            HttpServerResponse res = req.response();
            res.headers().add(HttpHeaders.CONTENT_TYPE, JSON).add(ALLOW_ORIGIN, ANY);
            res.end(answer(parsed.visitorId(), tokens.issue(siteId, parsed.visitorId())));
            metrics.request(PATH, 200);
            metrics.tracked(System.nanoTime() - arrived);
        });
    }

    private void fail(HttpServerRequest req, Throwable e) {
        if (e instanceof SiteRefusal r && r.reason() != SiteRefusal.Reason.NO_SUCH_VISITOR && r.reason() != SiteRefusal.Reason.BUSY) {
            metrics.rateLimited(r.limit());
        } else if (e instanceof ApiError a && a.status() == 408) {
            metrics.rateLimited("body_timeout");
        }
        metrics.request(PATH, errors.fail(req, e, PATH));
    }

    /**
     * The original's answer, plus the visitor's token for the served tracker's socket (the original
     * tracker ignores it). The id is validated ([A-Za-z0-9_.:-]) and the token base64url: no escaping.
     */
    private static Buffer answer(String visitorId, String token) {
        Buffer b = Buffer.buffer(ANSWER_HEAD.length + visitorId.length() + ANSWER_TOKEN.length + token.length() + ANSWER_TAIL.length);
        return b.appendBytes(ANSWER_HEAD).appendString(visitorId, "US-ASCII").appendBytes(ANSWER_TOKEN).appendString(token, "US-ASCII")
                .appendBytes(ANSWER_TAIL);
    }

    /** JSON, or text/plain as navigator.sendBeacon sends it; a missing type is read as JSON. */
    static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) return;
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.equals("text/plain")) return;
        throw new ApiError(415, "Content-Type must be application/json or text/plain, not " + type);
    }
}
