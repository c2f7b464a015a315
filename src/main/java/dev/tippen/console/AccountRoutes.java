package dev.tippen.console;

import dev.tippen.http.JsonBody;
import dev.tippen.http.ApiError;
import dev.tippen.http.Credentials;
import dev.tippen.site.ApiKeys;
import dev.tippen.team.Team;
import dev.tippen.team.TeamRegistry;
import dev.tippen.team.User;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A person's own account, whatever site they are on: turning the second factor on and off. Only
 * the signed-in person, from this server's own pages.
 */
public final class AccountRoutes {
    private final Team team;
    private final Credentials credentials;

    public AccountRoutes(Team team, Credentials credentials) {
        this.team = team;
        this.credentials = credentials;
    }

    public void mount(Router router) {
        BodyHandler small = BodyHandler.create(false).setBodyLimit(4096);
        router.post("/console/totp/setup").handler(this::setup);
        router.post("/console/totp/confirm").handler(small).handler(this::confirm);
        router.delete("/console/totp").handler(small).handler(this::disable);
    }

    private User person(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (origin == null || !credentials.sameOrigin(ctx.request())) throw new ApiError(403, "this is for this server's own console page");
        Cookie c = ctx.request().getCookie(Credentials.SESSION_COOKIE);
        if (c == null || c.getValue().isBlank() || c.getValue().length() > 256) throw new ApiError(401, "sign in first");
        TeamRegistry.Signed s = team.registry().session(ApiKeys.hash(c.getValue().trim()), System.currentTimeMillis());
        if (s == null) throw new ApiError(401, "the console session has ended; sign in again");
        return s.user();
    }

    private void setup(RoutingContext ctx) {
        team.totpSetup(person(ctx)).onSuccess(t -> TeamRoutes.json(ctx, 200, new JsonObject().put("secret", t.secret()).put("uri", t.uri())))
                .onFailure(ctx::fail);
    }

    private void confirm(RoutingContext ctx) {
        User u = person(ctx);
        String code = JsonBody.string(JsonBody.object(ctx), "code");
        team.totpConfirm(u, code).onSuccess(codes -> TeamRoutes.json(ctx, 200, new JsonObject().put("recoveryCodes", new JsonArray(codes))))
                .onFailure(ctx::fail);
    }

    private void disable(RoutingContext ctx) {
        User u = person(ctx);
        String password = JsonBody.string(JsonBody.object(ctx), "password");
        team.totpDisable(u, password).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }
}
