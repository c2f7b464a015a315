package dev.tippen.console;

import dev.tippen.http.JsonBody;
import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.team.Invitation;
import dev.tippen.team.Member;
import dev.tippen.team.Role;
import dev.tippen.team.Team;
import dev.tippen.team.TeamRegistry;
import dev.tippen.team.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /api/team}: who is on the site, the links out to join it, and what an admin changes.
 * The route table has already checked the caller's role; what may be done to whom (admins manage
 * viewers and agents, owners everyone) is the team's rule ({@link Team}).
 */
public final class TeamRoutes {
    /** A teammate is online when their console was used within this long, on any node. */
    static final long ONLINE_MILLIS = 60_000;

    private final Team team;
    private final JoinLinks links;
    private final dev.tippen.mail.Mailer mailer;

    /** {@code mailer}: null without --smtp-url; links are then only shown, to copy. */
    public TeamRoutes(Team team, JoinLinks links, dev.tippen.mail.Mailer mailer) {
        this.team = team;
        this.links = links;
        this.mailer = mailer;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(4096);
        router.get("/api/team").handler(this::list);
        router.post("/api/team/invitations").handler(body).handler(this::invite);
        router.delete("/api/team/invitations/:invitationId").handler(this::withdraw);
        router.patch("/api/team/members/:userId").handler(body).handler(this::changeRole);
        router.delete("/api/team/members/:userId").handler(this::remove);
        router.post("/api/team/members/:userId/reset-link").handler(this::resetLink);
    }

    private void list(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        TeamRegistry registry = team.registry();
        long now = System.currentTimeMillis();
        boolean admin = caller.role().atLeast(Role.ADMIN);
        // Who is online is read from the store, where every node writes its consoles' use.
        ctx.vertx().executeBlocking(() -> new Object[] {registry.lastSeenOnAnyNode(caller.siteId()),
                admin ? registry.store().openInvitations(caller.siteId(), now) : java.util.List.<Invitation>of()}, false).onSuccess(read -> {
            @SuppressWarnings("unchecked") java.util.Map<String, Long> seen = (java.util.Map<String, Long>) read[0];
            @SuppressWarnings("unchecked") java.util.List<Invitation> open = (java.util.List<Invitation>) read[1];
            JsonArray members = new JsonArray();
            for (Member m : registry.members(caller.siteId())) {
                User u = registry.user(m.userId());
                if (u == null) continue;
                boolean online = !u.suspended() && now - seen.getOrDefault(u.userId(), 0L) < ONLINE_MILLIS;
                members.add(new JsonObject().put("userId", u.userId()).put("email", u.email()).put("name", u.name()).put("role", m.role().wire())
                        .put("online", online).put("suspended", u.suspended()).put("lastSignInAt", u.lastSignInAt()));
            }
            // Open links are an admin's business: a viewer sees who is on the team, not who is about to be.
            JsonArray invitations = new JsonArray();
            for (Invitation i : open) {
                invitations.add(new JsonObject().put("invitationId", i.invitationId()).put("email", i.email()).put("role", i.role().wire())
                        .put("createdAt", i.createdAt()).put("expiresAt", i.expiresAt()));
            }
            json(ctx, 200, new JsonObject().put("members", members).put("invitations", invitations));
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the team cannot be read right now", 5)));
    }

    private void invite(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        JsonObject body = JsonBody.object(ctx);
        String email = JsonBody.string(body, "email");
        if (email == null) throw ApiError.badRequest("missing 'email'");
        Role role = Role.parse(JsonBody.string(body, "role"));
        String base = links.base(ctx.request());
        team.invite(caller.siteId(), email, role, caller.auditActor(), caller.role(), Team.JOIN_LINK_LIFETIME)
                .onSuccess(link -> {
                    String url = JoinLinks.url(base, link.token());
                    boolean emailed = mailer != null && mailer.send(email.trim(), "Join " + caller.site().name() + " on Tippen",
                            caller.actor().name() + " invites you to " + caller.site().name() + " on Tippen, as " + role.wire() + ".\n\n"
                                    + "Open this link to choose your name and password (it works once, for 7 days):\n" + url + "\n");
                    json(ctx, 201, new JsonObject().put("invitationId", link.invitationId()).put("url", url).put("expiresAt", link.expiresAt())
                            .put("emailed", emailed));
                })
                .onFailure(ctx::fail);
    }

    private void withdraw(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        team.withdraw(caller.siteId(), ctx.pathParam("invitationId"), caller.auditActor())
                .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    private void changeRole(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        String userId = ctx.pathParam("userId");
        Role role = Role.parse(JsonBody.string(JsonBody.object(ctx), "role"));
        team.changeRole(caller.siteId(), userId, role, caller.auditActor(), caller.role())
                .onSuccess(v -> json(ctx, 200, new JsonObject().put("userId", userId).put("role", role.wire())))
                .onFailure(ctx::fail);
    }

    private void remove(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        team.remove(caller.siteId(), ctx.pathParam("userId"), caller.auditActor(), caller.role())
                .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
    }

    private void resetLink(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        String base = links.base(ctx.request());
        team.resetLink(caller.siteId(), ctx.pathParam("userId"), caller.auditActor(), caller.role())
                .onSuccess(link -> json(ctx, 201, new JsonObject().put("url", JoinLinks.url(base, link.token())).put("expiresAt", link.expiresAt())))
                .onFailure(ctx::fail);
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }
}
