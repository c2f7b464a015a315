package dev.tippen.access;

import dev.tippen.http.ApiError;
import dev.tippen.http.Credentials;
import dev.tippen.site.ApiKeys;
import dev.tippen.site.Authentication;
import dev.tippen.site.KeyRegistry;
import dev.tippen.site.KeyRole;
import dev.tippen.team.Role;
import dev.tippen.team.TeamRegistry;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Enforces {@link RouteTable}: finds who is asking (a secret key, a person's session, or the older
 * key session of a site with no team yet), picks the site, and refuses a role below the route's.
 * Handlers behind it read the {@link Caller} and check nothing themselves.
 */
public final class Access {
    private static final String CALLER = "tippen.caller";
    private static final String OPERATOR = "tippen.operator";

    private final Credentials credentials;
    private final KeyRegistry keys;
    private final TeamRegistry team;

    /** {@code team}: null when this server keeps no team (several nodes without PostgreSQL). */
    public Access(Credentials credentials, KeyRegistry keys, TeamRegistry team) {
        this.credentials = credentials;
        this.keys = keys;
        this.team = team;
    }

    /** The router's gate: every request passes it; the caller, once found, travels with the request. */
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        RouteTable.Rule rule = RouteTable.find(req.method().name(), req.path());
        if (rule != null && rule.need() == RouteTable.Need.OPERATOR) {
            ctx.put(OPERATOR, operator(req));
            ctx.next();
            return;
        }
        if (rule == null || rule.need().role() == null) {
            ctx.next();
            return;
        }
        String bodyKey = rule.keyInBody() ? bodyKey(ctx) : null;
        ctx.put(CALLER, require(req, rule.need(), bodyKey));
        ctx.next();
    }

    /** The caller the gate let through. */
    public static Caller caller(RoutingContext ctx) {
        Caller c = ctx.get(CALLER);
        if (c == null) throw new IllegalStateException("no access rule ran for " + ctx.request().path());
        return c;
    }

    /** The operator the gate let through. */
    public static dev.tippen.team.User operator(RoutingContext ctx) {
        dev.tippen.team.User u = ctx.get(OPERATOR);
        if (u == null) throw new IllegalStateException("no operator rule ran for " + ctx.request().path());
        return u;
    }

    /** A person's own session (never a key or token) whose account is an operator's. */
    private dev.tippen.team.User operator(HttpServerRequest req) {
        Cookie cookie = req.getCookie(Credentials.SESSION_COOKIE);
        if (cookie == null || team == null) throw new ApiError(401, "the operator signs in at the console");
        if (!credentials.sameOrigin(req) && req.getHeader("Origin") != null) {
            throw new ApiError(403, "the console session works only on this server's own pages");
        }
        String token = cookie.getValue().trim();
        TeamRegistry.Signed s = token.isEmpty() || token.length() > 256 ? null : team.session(ApiKeys.hash(token), System.currentTimeMillis());
        if (s == null) throw new ApiError(401, "the console session has ended; sign in again");
        if (!s.user().operator()) throw new ApiError(403, "this is for the instance's operator");
        team.seen(s.session().hash(), System.currentTimeMillis());
        return s.user();
    }

    /** For a route outside the router (the dashboard socket): the same table, by its name. */
    public Caller socket(HttpServerRequest req, String route) {
        return require(req, RouteTable.RULES.get(route).need(), null);
    }

    private Caller require(HttpServerRequest req, RouteTable.Need need, String bodyKey) {
        Caller c = identify(req, bodyKey);
        if (!c.role().atLeast(need.role())) {
            throw new ApiError(403, "this needs the " + need.role().wire() + " role on " + c.site().name() + "; "
                    + (c.actor().person() ? "you are a " + c.role().wire() : "this key cannot") + " there");
        }
        return c;
    }

    /** Who is asking, on which site: a secret key, else a person's session, else an older key session. */
    public Caller identify(HttpServerRequest req, String bodyKey) {
        String key = Credentials.presented(req);
        if ((key == null || key.isBlank()) && bodyKey != null) key = bodyKey;
        if (key != null && key.startsWith(dev.tippen.team.PersonalToken.PREFIX) && key.length() <= 256) {
            // A person's token for scripts: their site, their role (no higher than when it was made).
            String hash = ApiKeys.hash(key.trim());
            TeamRegistry.Tokened t = team == null ? null : team.token(hash);
            if (t == null) throw new ApiError(401, "this token is unknown, revoked, or its owner no longer has the site");
            Authentication a = keys.site(t.token().siteId());
            if (a instanceof Authentication.Refused r) throw new ApiError(r.status(), r.error());
            return new Caller(((Authentication.Granted) a).site(), t.role(), new Caller.Actor(t.user().userId(), t.user().name()), null, hash,
                    credentials.sameOrigin(req));
        }
        if (key != null && !key.isBlank()) {
            Authentication.Granted g = credentials.require(key, KeyRole.SECRET);
            return new Caller(g.site(), Role.ADMIN, Caller.Actor.KEY, g.key().hash(), null, credentials.sameOrigin(req));
        }
        Cookie cookie = req.getCookie(Credentials.SESSION_COOKIE);
        if (cookie == null) throw new ApiError(401, "missing API key or console session");
        // A session is for this server's own pages: SameSite=Strict keeps browsers from sending it elsewhere anyway.
        if (!credentials.sameOrigin(req) && req.getHeader("Origin") != null) {
            throw new ApiError(403, "the console session works only on this server's own pages");
        }
        String token = cookie.getValue().trim();
        if (token.isEmpty() || token.length() > 256) throw new ApiError(401, "the console session has ended; sign in again");
        String hash = ApiKeys.hash(token);
        long now = System.currentTimeMillis();
        TeamRegistry.Signed signed = team == null ? null : team.session(hash, now);
        if (signed != null) {
            team.seen(hash, now);
            String siteId = chosenSite(req, signed.roles());
            Authentication a = keys.site(siteId);
            if (a instanceof Authentication.Refused r) throw new ApiError(r.status(), r.error());
            return new Caller(((Authentication.Granted) a).site(), signed.roles().get(siteId),
                    new Caller.Actor(signed.user().userId(), signed.user().name()), null, hash, true);
        }
        Authentication a = keys.authenticateSession(token, now);
        if (a instanceof Authentication.Refused r) throw new ApiError(r.status(), r.error());
        Authentication.Granted g = (Authentication.Granted) a;
        if (team != null && team.hasTeam(g.site().siteId())) {
            throw new ApiError(401, "this site has a team now: sign in with your e-mail and password");
        }
        return new Caller(g.site(), Role.ADMIN, Caller.Actor.KEY, g.key().hash(), hash, true);
    }

    /** {@code ?site=}, or the person's one site; a site they do not belong to is refused as if it were not there. */
    private static String chosenSite(HttpServerRequest req, Map<String, Role> roles) {
        String siteId = req.getParam("site");
        if (siteId == null || siteId.isBlank()) {
            if (roles.size() == 1) return roles.keySet().iterator().next();
            if (roles.isEmpty()) throw new ApiError(403, "you belong to no site yet; ask an admin for an invitation");
            throw ApiError.badRequest("you belong to several sites: say which with ?site=SITE_ID");
        }
        if (!roles.containsKey(siteId)) throw new ApiError(404, siteId.length() > 64 ? "no such site among yours" : "no site '" + siteId + "' among yours");
        return siteId;
    }

    private static String bodyKey(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) return null;
        try {
            Object v = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
            return v instanceof JsonObject o && o.getValue("apiKey") instanceof String s ? s : null;
        } catch (RuntimeException e) {
            return null; // the handler says what is wrong with the body
        }
    }
}
