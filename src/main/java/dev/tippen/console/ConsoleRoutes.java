package dev.tippen.console;

import dev.tippen.http.Resources;
import dev.tippen.http.JsonBody;
import dev.tippen.access.Access;
import dev.tippen.access.Caller;
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
import dev.tippen.site.Site;
import dev.tippen.team.Role;
import dev.tippen.team.Team;
import dev.tippen.team.TeamRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
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
    private final Access access;
    private final Team team;
    private final JoinLinks links;
    private final ClientAddress clientAddress;
    private final RateLimits limits;
    private final String callLinkTemplate;
    private final Demo demo;
    private final Buffer page = Resources.read("tippen-console/index.html");

    /** What the sign-in page says under --demo: the demo owner's e-mail and password, and the demo key. Null without --demo. */
    public record Demo(String email, String password, String key) {}

    /** {@code team}: null when this server keeps no team (several nodes without PostgreSQL); the console then opens with keys only. */
    public ConsoleRoutes(Vertx vertx, KeyStore store, KeyRegistry keys, Credentials credentials, Access access, Team team, JoinLinks links,
                         ClientAddress clientAddress, RateLimits limits, String callLinkTemplate, Demo demo) {
        this.limits = limits;
        this.vertx = vertx;
        this.store = store;
        this.keys = keys;
        this.credentials = credentials;
        this.access = access;
        this.team = team;
        this.links = links;
        this.clientAddress = clientAddress;
        this.callLinkTemplate = callLinkTemplate;
        this.demo = demo;
    }

    public void mount(Router router) {
        router.get("/console").handler(this::page);
        router.get("/console/").handler(ctx -> ctx.redirect("/console"));
        router.get("/console/join").handler(this::page);
        router.get("/console/static/*").handler(ctx -> {
            secure(ctx);
            ctx.next();
        }).handler(StaticHandler.create("tippen-console").setMaxAgeSeconds(300).setDirectoryListing(false));
        // The WebJars' own folder: only the libraries' files live there.
        router.get("/console/lib/*").handler(StaticHandler.create("META-INF/resources").setMaxAgeSeconds(86_400)
                .setDirectoryListing(false));
        BodyHandler small = BodyHandler.create(false).setBodyLimit(4096);
        router.get("/console/session").handler(this::whoAmI);
        router.post("/console/session").handler(small).handler(this::signIn);
        router.delete("/console/session").handler(this::signOut);
        router.post("/console/join").handler(small).handler(this::join);
        router.post("/console/claim").handler(small).handler(this::claim);
    }

    private void page(RoutingContext ctx) {
        secure(ctx);
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store").end(page);
    }

    /** Who the console is signed in as, and on which of their sites; 401 (with what the demo uses, under --demo) when it is not. */
    private void whoAmI(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store");
        TeamRegistry.Signed person = signedInPerson(ctx);
        if (person != null) {
            team.registry().seen(person.session().hash(), System.currentTimeMillis());
            String asked = ctx.request().getParam("site");
            Site site = asked == null ? firstSite(person) : person.roles().containsKey(asked) ? keys.siteOrNull(asked) : null;
            JsonObject body = person(person, site, site == null ? null : person.roles().get(site.siteId()));
            if (site == null) body.put("notice", asked == null ? "you belong to no site yet; ask an admin for an invitation"
                    : "that site is not among yours");
            TeamRoutes.json(ctx, 200, body);
            return;
        }
        try {
            TeamRoutes.json(ctx, 200, describe(ctx, access.identify(ctx.request(), null)));
        } catch (ApiError e) {
            unauthorized(ctx, e.status(), e.getMessage());
        }
    }

    private Site firstSite(TeamRegistry.Signed p) {
        return p.roles().keySet().stream().map(keys::siteOrNull).filter(java.util.Objects::nonNull)
                .min(Comparator.comparing(s -> s.name().toLowerCase(Locale.ROOT))).orElse(null);
    }

    private void unauthorized(RoutingContext ctx, int status, String error) {
        JsonObject body = new JsonObject().put("error", error);
        if (demo != null) body.put("demo", new JsonObject().put("email", demo.email()).put("password", demo.password()).put("key", demo.key()));
        if (team == null) body.put("keysOnly", true);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private TeamRegistry.Signed signedInPerson(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(Credentials.SESSION_COOKIE);
        if (team == null || c == null || c.getValue().isBlank() || c.getValue().length() > 256) return null;
        return team.registry().session(ApiKeys.hash(c.getValue().trim()), System.currentTimeMillis());
    }

    private JsonObject describe(RoutingContext ctx, Caller who) {
        if (who.actor().person()) {
            TeamRegistry.Signed person = signedInPerson(ctx);
            if (person != null) return person(person, who.site(), who.role());
        }
        // A secret key's console, for a site with no team yet: it may be claimed.
        return new JsonObject().put("siteId", who.siteId()).put("siteName", who.site().name()).put("role", who.role().wire())
                .put("callLinkTemplate", callLinkTemplate).put("user", (Object) null)
                .put("sites", new JsonArray().add(new JsonObject().put("siteId", who.siteId()).put("name", who.site().name())
                        .put("role", who.role().wire())))
                .put("claimable", team != null && !team.registry().hasTeam(who.siteId()));
    }

    private JsonObject person(TeamRegistry.Signed p, Site site, Role role) {
        JsonArray sites = new JsonArray();
        p.roles().entrySet().stream().map(e -> Map.entry(keys.siteOrNull(e.getKey()), e.getValue())).filter(e -> e.getKey() != null)
                .sorted(Comparator.comparing(e -> e.getKey().name().toLowerCase(Locale.ROOT)))
                .forEach(e -> sites.add(new JsonObject().put("siteId", e.getKey().siteId()).put("name", e.getKey().name())
                        .put("role", e.getValue().wire())));
        JsonObject user = new JsonObject().put("userId", p.user().userId()).put("email", p.user().email()).put("name", p.user().name())
                .put("totp", p.user().totp()).put("operator", p.user().operator());
        return new JsonObject().put("user", user).put("sites", sites).put("siteId", site == null ? null : site.siteId())
                .put("siteName", site == null ? null : site.name()).put("role", role == null ? null : role.wire())
                .put("callLinkTemplate", callLinkTemplate).put("claimable", false);
    }

    /** {"email", "password"} signs a person in; {"secretKey"} opens a site that has no team yet. */
    private void signIn(RoutingContext ctx) {
        requireSameOrigin(ctx);
        String address = clientAddress.limitKey(clientAddress.of(ctx.request()));
        limits.signInFromIp(address);
        JsonObject body = JsonBody.object(ctx);
        boolean secure = clientAddress.https(ctx.request());
        if (body.containsKey("secretKey")) {
            signInWithKey(ctx, body, secure);
            return;
        }
        if (team == null) throw new ApiError(400, "this server keeps no accounts (several nodes need --history postgres://...); sign in with the site's secret key");
        String email = JsonBody.string(body, "email");
        String password = JsonBody.string(body, "password");
        if (email == null || email.isBlank() || email.length() > Team.MAX_EMAIL) throw ApiError.badRequest("'email' is required");
        if (password == null || password.isEmpty()) throw ApiError.badRequest("'password' is required");
        if (password.length() > 1024) throw new ApiError(401, "wrong e-mail or password");
        team.signIn(email, password, JsonBody.string(body, "code"), address).onSuccess(opened -> signedIn(ctx, opened, secure))
                .onFailure(e -> failed(ctx, e));
    }

    /** A password that was right for an account with a second factor: 401 saying a code is needed, so the page asks for it. */
    private static void failed(RoutingContext ctx, Throwable e) {
        if (e instanceof Team.CodeRequired) {
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("error", e.getMessage()).put("codeRequired", true).encode());
            return;
        }
        ctx.fail(e);
    }

    private void signedIn(RoutingContext ctx, Team.Opened opened, boolean secure) {
        ctx.response().addCookie(cookie(opened.token(), team.registry().lifetimeMillis() / 1000, secure));
        TeamRegistry.Signed p = team.registry().session(ApiKeys.hash(opened.token()), System.currentTimeMillis());
        if (p == null) {
            ctx.fail(ApiError.unavailable("the session cannot be read back right now", 1));
            return;
        }
        Site first = firstSite(p);
        TeamRoutes.json(ctx, 200, person(p, first, first == null ? null : p.roles().get(first.siteId())));
    }

    private void signInWithKey(RoutingContext ctx, JsonObject body, boolean secure) {
        String key = JsonBody.string(body, "secretKey");
        if (key == null || key.isBlank()) throw ApiError.badRequest("'secretKey' must be the site's secret key");
        key = key.trim();
        Authentication a = keys.authenticate(key, KeyRole.SECRET);
        if (a instanceof Authentication.Refused r) {
            Authentication pub = keys.authenticate(key, KeyRole.PUBLIC);
            if (pub instanceof Authentication.Granted g) limits.signInForSite(g.site().siteId());
            throw new ApiError(r.status(), r.error());
        }
        Authentication.Granted granted = (Authentication.Granted) a;
        limits.signInForSite(granted.site().siteId());
        // Once a site has people, people open it: a shared key cannot say who did what.
        if (team != null && team.registry().hasTeam(granted.site().siteId())) {
            throw new ApiError(403, "this site has a team: sign in with your e-mail and password (the key still works for the API and the tracker)");
        }
        String token = ApiKeys.randomToken(43);
        long now = System.currentTimeMillis();
        ConsoleSession session = new ConsoleSession(ApiKeys.hash(token), granted.site().siteId(), granted.key().hash(), now,
                now + ConsoleSession.LIFETIME_MILLIS);
        vertx.<Boolean>executeBlocking(() -> {
            boolean stored = store.openSession(session);
            if (stored) keys.reloadIfChanged();
            return stored;
        }, false).onSuccess(stored -> {
            if (!stored) {
                ctx.fail(ApiError.unavailable("too many console sessions are open; try again later", 60));
                return;
            }
            log.info("event=console_signed_in site={} with=key", granted.site().siteId());
            ctx.response().addCookie(cookie(token, ConsoleSession.LIFETIME_MILLIS / 1000, secure));
            TeamRoutes.json(ctx, 200, describe(ctx, new Caller(granted.site(), Role.ADMIN, Caller.Actor.KEY, granted.key().hash(),
                    session.hash(), true)));
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
        }, false).compose(v -> team == null ? io.vertx.core.Future.succeededFuture() : team.signOut(hash))
                .onSuccess(v -> ctx.response().addCookie(cookie("", 0, secure)).setStatusCode(204).end())
                .onFailure(e -> ctx.fail(ApiError.unavailable("the session cannot be ended right now", 5)));
    }

    /**
     * {"token"} alone: what the link is for (the page shows it). {"token", "name", "password"}: uses
     * it, and the person is signed in. An e-mail that has an account joins with that account's password.
     */
    private void join(RoutingContext ctx) {
        requireSameOrigin(ctx);
        String address = clientAddress.limitKey(clientAddress.of(ctx.request()));
        limits.signInFromIp(address);
        if (team == null) throw new ApiError(404, "this server keeps no accounts");
        JsonObject body = JsonBody.object(ctx);
        String token = JsonBody.string(body, "token");
        if (token == null || token.isBlank()) throw ApiError.badRequest("'token' is required: open the whole link you were given");
        String password = JsonBody.string(body, "password");
        boolean secure = clientAddress.https(ctx.request());
        if (password == null) {
            vertx.executeBlocking(() -> team.link(token), false).onSuccess(link -> {
                if (link == null) {
                    ctx.fail(new ApiError(410, "this link has been used or has expired; ask for a new one"));
                    return;
                }
                Site site = link.siteId() == null ? null : keys.siteOrNull(link.siteId());
                TeamRoutes.json(ctx, 200, new JsonObject().put("kind", link.kind().name().toLowerCase(Locale.ROOT)).put("email", link.email())
                        .put("siteName", site == null ? null : site.name()).put("role", link.role() == null ? null : link.role().wire())
                        .put("hasAccount", team.registry().byEmail(link.email()) != null).put("expiresAt", link.expiresAt()));
            }).onFailure(ctx::fail);
            return;
        }
        team.useLink(token, JsonBody.string(body, "name"), password, JsonBody.string(body, "code"), address)
                .onSuccess(opened -> signedIn(ctx, opened, secure)).onFailure(e -> failed(ctx, e));
    }

    /**
     * A site with no team yet is claimed by whoever holds its secret key, once: they become its
     * owner, and from then on the key no longer opens the console.
     */
    private void claim(RoutingContext ctx) {
        requireSameOrigin(ctx);
        String address = clientAddress.limitKey(clientAddress.of(ctx.request()));
        limits.signInFromIp(address);
        if (team == null) throw new ApiError(404, "this server keeps no accounts");
        JsonObject body = JsonBody.object(ctx);
        String key = JsonBody.string(body, "secretKey");
        Caller caller;
        if (key != null && !key.isBlank()) {
            Authentication a = keys.authenticate(key.trim(), KeyRole.SECRET);
            if (a instanceof Authentication.Refused r) throw new ApiError(r.status(), r.error());
            Authentication.Granted g = (Authentication.Granted) a;
            caller = new Caller(g.site(), Role.ADMIN, Caller.Actor.KEY, g.key().hash(), null, true);
        } else {
            caller = access.identify(ctx.request(), null);
            if (caller.actor().person()) throw new ApiError(409, "this site has a team already");
        }
        String siteId = caller.siteId();
        if (team.registry().hasTeam(siteId)) throw new ApiError(409, "this site has a team already; ask its owner for an invitation");
        String email = JsonBody.string(body, "email");
        if (email == null) throw ApiError.badRequest("missing 'email'");
        boolean secure = clientAddress.https(ctx.request());
        team.invite(siteId, email, Role.OWNER, dev.tippen.team.Audit.Actor.API_KEY, Role.OWNER, java.time.Duration.ofMinutes(5))
                .compose(link -> team.useLink(link.token(), JsonBody.string(body, "name"), JsonBody.string(body, "password"), null, address))
                .onSuccess(opened -> {
                    log.info("event=site_claimed site={} user={}", siteId, opened.user().userId());
                    team.audit().record(siteId, dev.tippen.team.Audit.Actor.user(opened.user().userId(), opened.user().name()), "site.claimed",
                            opened.user().userId(), null);
                    signedIn(ctx, opened, secure);
                }).onFailure(ctx::fail);
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

}
