package dev.tippen.console;

import dev.tippen.http.ApiError;
import dev.tippen.http.ClientAddress;
import dev.tippen.http.Credentials;
import dev.tippen.http.RateLimits;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.Authentication;
import dev.tippen.site.ConsoleSession;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import dev.tippen.site.KeyStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console: its page, its scripts and the libraries they use (WebJars, from the classpath), and
 * signing in and out. A session is a random token in an HttpOnly, SameSite=Strict cookie; the key
 * store keeps only its hash, so every node knows it (see {@link KeyRegistry#authenticateSession}).
 */
public final class ConsoleRoutes {
    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);
    /**
     * Scripts only from this server, no inline script, no eval; styles from files (scripts may still
     * set an element's style, which uPlot and Preact do); no framing; sockets back to this server.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    private final Vertx vertx;
    private final KeyStore store;
    private final KeyRegistry keys;
    private final Credentials credentials;
    private final ClientAddress clientAddress;
    private final RateLimits limits;
    private final String callLinkTemplate;
    private final String demoKey;
    private final Buffer page = resource("tippen-console/index.html");

    /** {@code demoKey}: the demo site's key when the server runs with --demo (the sign-in page names it), else null. */
    public ConsoleRoutes(Vertx vertx, KeyStore store, KeyRegistry keys, Credentials credentials, ClientAddress clientAddress,
                         RateLimits limits, String callLinkTemplate, String demoKey) {
        this.limits = limits;
        this.vertx = vertx;
        this.store = store;
        this.keys = keys;
        this.credentials = credentials;
        this.clientAddress = clientAddress;
        this.callLinkTemplate = callLinkTemplate;
        this.demoKey = demoKey;
    }

    public void mount(Router router) {
        router.get("/console").handler(this::page);
        router.get("/console/").handler(ctx -> ctx.redirect("/console"));
        router.get("/console/static/*").handler(ctx -> {
            secure(ctx);
            ctx.next();
        }).handler(StaticHandler.create("tippen-console").setMaxAgeSeconds(300).setDirectoryListing(false));
        // The WebJars' own folder: only the libraries' files live there.
        router.get("/console/lib/*").handler(StaticHandler.create("META-INF/resources").setMaxAgeSeconds(86_400)
                .setDirectoryListing(false));
        router.get("/console/session").handler(this::whoAmI);
        router.post("/console/session").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::signIn);
        router.delete("/console/session").handler(this::signOut);
    }

    private void page(RoutingContext ctx) {
        secure(ctx);
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store").end(page);
    }

    /** Who the console is signed in as; 401 (with the demo key, under --demo) when it is not. */
    private void whoAmI(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store");
        Credentials.Holder who;
        try {
            who = credentials.secret(ctx.request());
        } catch (ApiError e) {
            JsonObject body = new JsonObject().put("error", e.getMessage());
            if (demoKey != null) body.put("demoKey", demoKey);
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json").end(body.encode());
            return;
        }
        JsonObject body = new JsonObject().put("siteId", who.granted().site().siteId()).put("siteName", who.granted().site().name())
                .put("callLinkTemplate", callLinkTemplate);
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }

    private void signIn(RoutingContext ctx) {
        requireSameOrigin(ctx);
        // Every attempt counts against the address; one that names a site (either key) against the site too.
        limits.signInFromIp(clientAddress.limitKey(clientAddress.of(ctx.request())));
        String key = secretKeyOf(ctx);
        Authentication a = keys.authenticate(key, KeyRole.SECRET);
        if (a instanceof Authentication.Refused r) {
            Authentication pub = keys.authenticate(key, KeyRole.PUBLIC);
            if (pub instanceof Authentication.Granted g) limits.signInForSite(g.site().siteId());
            throw new ApiError(r.status(), r.error());
        }
        Authentication.Granted granted = (Authentication.Granted) a;
        limits.signInForSite(granted.site().siteId());
        String token = ApiKeys.randomToken(43);
        long now = System.currentTimeMillis();
        ConsoleSession session = new ConsoleSession(ApiKeys.hash(token), granted.site().siteId(), granted.key().hash(), now,
                now + ConsoleSession.LIFETIME_MILLIS);
        boolean secure = clientAddress.https(ctx.request());
        vertx.<Boolean>executeBlocking(() -> {
            boolean stored = store.openSession(session);
            if (stored) keys.reloadIfChanged();
            return stored;
        }, false).onSuccess(stored -> {
            if (!stored) {
                ctx.fail(ApiError.unavailable("too many console sessions are open; try again later", 60));
                return;
            }
            log.info("event=console_signed_in site={}", granted.site().siteId());
            ctx.response().addCookie(cookie(token, ConsoleSession.LIFETIME_MILLIS / 1000, secure))
                    .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("siteId", granted.site().siteId()).put("siteName", granted.site().name())
                            .put("callLinkTemplate", callLinkTemplate).encode());
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the session cannot be stored right now", 5)));
    }

    private void signOut(RoutingContext ctx) {
        requireSameOrigin(ctx);
        Cookie c = ctx.request().getCookie(Credentials.SESSION_COOKIE);
        boolean secure = clientAddress.https(ctx.request());
        if (c == null) {
            ctx.response().setStatusCode(204).end();
            return;
        }
        String hash = ApiKeys.hash(c.getValue().trim());
        vertx.executeBlocking(() -> {
            store.endSession(hash);
            keys.reloadIfChanged();
            return null;
        }, false).onSuccess(v -> ctx.response().addCookie(cookie("", 0, secure)).setStatusCode(204).end())
                .onFailure(e -> ctx.fail(ApiError.unavailable("the session cannot be ended right now", 5)));
    }

    private static String secretKeyOf(RoutingContext ctx) {
        if (ctx.body().buffer() == null || ctx.body().length() == 0) throw ApiError.badRequest("empty body; expected {\"secretKey\": \"sk_...\"}");
        Object v;
        try {
            v = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) throw ApiError.badRequest("body must be a JSON object");
        Object key = o.getValue("secretKey");
        if (!(key instanceof String s) || s.isBlank()) throw ApiError.badRequest("'secretKey' must be the site's secret key");
        return s.trim();
    }

    private void requireSameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (origin == null || !credentials.sameOrigin(ctx.request())) {
            throw new ApiError(403, "signing in and out is for this server's own console page");
        }
    }

    private static Cookie cookie(String value, long maxAgeSeconds, boolean secure) {
        return Cookie.cookie(Credentials.SESSION_COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setSecure(secure).setMaxAge(maxAgeSeconds);
    }

    static void secure(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer").putHeader("X-Frame-Options", "DENY");
    }

    static Buffer resource(String path) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
