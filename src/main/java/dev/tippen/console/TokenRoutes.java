package dev.tippen.console;

import dev.tippen.http.JsonBody;
import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.site.ApiKeys;
import dev.tippen.team.Audit;
import dev.tippen.team.PersonalToken;
import dev.tippen.team.Role;
import dev.tippen.team.TeamRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;

/**
 * {@code /api/tokens}: a person's tokens for scripts, one site each, with a role no higher than
 * their own. Made from a signed-in console (not by a key or another token), shown once, listed and
 * revocable; admins see and revoke everyone's on their site.
 */
public final class TokenRoutes {
    static final int MAX_PER_PERSON = 20;

    private final TeamRegistry registry;
    private final Audit audit;

    public TokenRoutes(TeamRegistry registry, Audit audit) {
        this.registry = registry;
        this.audit = audit;
    }

    public void mount(Router router) {
        router.get("/api/tokens").handler(this::list);
        router.post("/api/tokens").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::create);
        router.delete("/api/tokens/:tokenId").handler(this::revoke);
    }

    private void list(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        boolean all = caller.role().atLeast(Role.ADMIN);
        if (!all && !caller.actor().person()) throw new ApiError(403, "tokens belong to people; sign in");
        JsonArray out = new JsonArray();
        for (PersonalToken t : registry.tokens(caller.siteId(), all ? null : caller.actor().userId())) {
            var owner = registry.user(t.userId());
            out.add(new JsonObject().put("tokenId", t.tokenId()).put("name", t.name()).put("role", t.role().wire()).put("userId", t.userId())
                    .put("userName", owner == null ? null : owner.name()).put("createdAt", Instant.ofEpochMilli(t.createdAt()).toString()));
        }
        TeamRoutes.json(ctx, 200, new JsonObject().put("tokens", out));
    }

    private void create(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        // A token is made by a person at the console: a key cannot, and neither can a token (it would outlive its own revocation).
        if (!caller.actor().person() || caller.sessionHash() == null || registry.token(caller.sessionHash()) != null) {
            throw new ApiError(403, "make tokens from the console, signed in as yourself");
        }
        JsonObject body = JsonBody.object(ctx);
        String name = JsonBody.string(body, "name");
        if (name == null || name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiError.badRequest("'name' must be 1-100 characters saying what the token is for");
        }
        String asked = JsonBody.string(body, "role");
        Role role = asked == null ? caller.role() : Role.parse(asked);
        if (role == null) throw ApiError.badRequest("'role' must be one of viewer, agent, admin, owner");
        if (!caller.role().atLeast(role)) throw new ApiError(403, "a token's role cannot be above yours (" + caller.role().wire() + ")");
        String userId = caller.actor().userId();
        if (registry.tokens(caller.siteId(), userId).size() >= MAX_PER_PERSON) {
            throw new ApiError(409, "you have " + MAX_PER_PERSON + " tokens on this site; revoke one first");
        }
        String token = PersonalToken.PREFIX + ApiKeys.randomToken(40);
        PersonalToken t = new PersonalToken("tok_" + ApiKeys.randomToken(16), ApiKeys.hash(token), userId, caller.siteId(), role, name.strip(),
                System.currentTimeMillis(), null);
        ctx.vertx().executeBlocking(() -> {
            registry.store().createToken(t);
            registry.reloadIfChanged();
            return null;
        }, false).onSuccess(v -> {
            audit.record(caller.siteId(), caller.auditActor(), "token.created", t.tokenId(), role.wire());
            TeamRoutes.json(ctx, 201, new JsonObject().put("tokenId", t.tokenId()).put("token", token).put("name", t.name())
                    .put("role", role.wire()).put("siteId", caller.siteId()));
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the token cannot be stored right now", 5)));
    }

    private void revoke(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        String tokenId = ctx.pathParam("tokenId");
        boolean admin = caller.role().atLeast(Role.ADMIN);
        if (!admin && !caller.actor().person()) throw new ApiError(403, "tokens belong to people; sign in");
        ctx.vertx().executeBlocking(() -> {
            boolean done = registry.store().revokeToken(caller.siteId(), tokenId, admin ? null : caller.actor().userId(), System.currentTimeMillis());
            if (done) registry.reloadIfChanged();
            return done;
        }, false).onSuccess(done -> {
            if (!done) {
                ctx.fail(new ApiError(404, "no live token '" + (tokenId.length() > 40 ? tokenId.substring(0, 40) : tokenId) + "' of yours here"));
                return;
            }
            audit.record(caller.siteId(), caller.auditActor(), "token.revoked", tokenId, null);
            ctx.response().setStatusCode(204).end();
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the token cannot be revoked right now", 5)));
    }
}
