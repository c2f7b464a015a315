package dev.tippen.console;

import dev.tippen.http.JsonBody;
import dev.tippen.access.Access;
import dev.tippen.history.History;
import dev.tippen.http.ApiError;
import dev.tippen.site.ApiKey;
import dev.tippen.site.KeyStore;
import dev.tippen.site.Site;
import dev.tippen.team.Audit;
import dev.tippen.team.TeamRegistry;
import dev.tippen.team.User;
import dev.tippen.visitor.Sites;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The instance's operator: every site with its live visitors, today's page views, stored bytes,
 * failing webhooks and keys; creating a site; suspending one (its keys refused with 403 and its
 * sockets closed, on every node). No impersonation: the operator never sees a site's keys again.
 */
public final class OperatorRoutes {
    /** The most sites one answer lists, so the page stays one read. */
    static final int MAX_SITES = 1000;

    private final KeyStore store;
    private final TeamRegistry team;
    private final Sites sites;
    private final History history;
    private final Audit audit;

    /** {@code history}: null when the server keeps none (the figures it holds are then absent). */
    public OperatorRoutes(KeyStore store, TeamRegistry team, Sites sites, History history, Audit audit) {
        this.store = store;
        this.team = team;
        this.sites = sites;
        this.history = history;
        this.audit = audit;
    }

    public void mount(Router router) {
        BodyHandler small = BodyHandler.create(false).setBodyLimit(4096);
        router.get("/api/operator/sites").handler(this::list);
        router.post("/api/operator/sites").handler(small).handler(this::create);
        router.post("/api/operator/sites/:siteId/suspension").handler(small).handler(this::suspend);
        router.delete("/api/operator/sites/:siteId").handler(small).handler(this::delete);
        router.get("/api/operator/users").handler(this::users);
        router.post("/api/operator/users/:userId/suspension").handler(small).handler(this::suspendUser);
    }

    /**
     * {"confirm": "<the site's name>"}: deletes the site with everything it stored. It is suspended
     * first (keys refused, sockets closed everywhere), its live visitors erased, the history waited
     * for and then emptied of it, then its keys, sessions, roles, tokens, links and audit log go.
     */
    private void delete(RoutingContext ctx) {
        User op = Access.operator(ctx);
        String siteId = ctx.pathParam("siteId");
        String confirm = JsonBody.string(JsonBody.object(ctx), "confirm");
        ctx.vertx().<Site>executeBlocking(() -> {
            Site site = store.site(siteId).orElseThrow(() -> new ApiError(404, "no site '" + (siteId.length() > 40 ? siteId.substring(0, 40) : siteId) + "'"));
            if (!site.name().equals(confirm)) throw ApiError.badRequest("type the site's name exactly as 'confirm' to delete it");
            team.store().setSiteSuspended(siteId, true, op.userId(), System.currentTimeMillis());
            team.reloadIfChanged();
            return site;
        }, false).compose(site -> sites.live(siteId).compose(live -> {
            List<Future<Void>> erased = new ArrayList<>();
            for (var v : live.visitors()) erased.add(sites.erase(siteId, v.visitorId(), null));
            return Future.join(erased).mapEmpty();
        }).compose(v -> {
            if (history == null) return Future.<Void>succeededFuture();
            // An erasure of no one, last in the site's order: once the history has it, it has everything before it.
            String receipt = "era_" + java.util.UUID.randomUUID();
            return sites.erase(siteId, "site_deleted", receipt).compose(x -> history.forgetSite(ctx.vertx(), siteId, receipt, 30_000));
        }).compose(v -> ctx.vertx().<Void>executeBlocking(() -> {
            store.deleteSite(siteId);
            team.store().forgetSite(siteId);
            team.reloadIfChanged();
            return null;
        }, false)).map(site)).onSuccess(site -> {
            org.slf4j.LoggerFactory.getLogger(OperatorRoutes.class).info("event=site_deleted site={} by={}", siteId, op.userId());
            ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
    }

    /** Every account: e-mail, name, status, last sign-in, operator or not, and its sites with roles. */
    private void users(RoutingContext ctx) {
        Access.operator(ctx);
        ctx.vertx().executeBlocking(() -> team.store().load(System.currentTimeMillis()), false).onSuccess(c -> {
            JsonArray list = new JsonArray();
            for (User u : c.users()) {
                JsonArray roles = new JsonArray();
                c.members().stream().filter(m -> m.userId().equals(u.userId()))
                        .forEach(m -> roles.add(new JsonObject().put("siteId", m.siteId()).put("role", m.role().wire())));
                list.add(new JsonObject().put("userId", u.userId()).put("email", u.email()).put("name", u.name()).put("suspended", u.suspended())
                        .put("operator", u.operator()).put("lastSignInAt", u.lastSignInAt() == null ? null : Instant.ofEpochMilli(u.lastSignInAt()).toString())
                        .put("sites", roles));
            }
            TeamRoutes.json(ctx, 200, new JsonObject().put("users", list));
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the accounts cannot be read right now", 5)));
    }

    /** {"suspended": true|false}: a suspended account's sessions, tokens and sockets end on every node; it cannot sign in. */
    private void suspendUser(RoutingContext ctx) {
        User op = Access.operator(ctx);
        String userId = ctx.pathParam("userId");
        Object v = JsonBody.object(ctx).getValue("suspended");
        if (!(v instanceof Boolean suspended)) throw ApiError.badRequest("'suspended' must be true or false");
        if (userId.equals(op.userId())) throw new ApiError(409, "an operator cannot suspend themselves");
        ctx.vertx().executeBlocking(() -> {
            if (!team.store().setSuspended(userId, suspended)) throw new ApiError(404, "no account '" + (userId.length() > 40 ? userId.substring(0, 40) : userId) + "'");
            team.reloadIfChanged();
            return null;
        }, false).onSuccess(x -> {
            for (String siteId : team.roles(userId).keySet()) {
                audit.record(siteId, Audit.Actor.user(op.userId(), op.name()), suspended ? "teammate.suspended" : "teammate.resumed", userId, null);
            }
            TeamRoutes.json(ctx, 200, new JsonObject().put("userId", userId).put("suspended", suspended));
        }).onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        Access.operator(ctx);
        long now = System.currentTimeMillis();
        ctx.vertx().<List<Object[]>>executeBlocking(() -> {
            List<Object[]> out = new ArrayList<>();
            List<ApiKey> keys = store.keys();
            for (Site s : store.sites()) {
                if (out.size() >= MAX_SITES) break;
                long live = keys.stream().filter(k -> k.siteId().equals(s.siteId()) && !k.revoked()).count();
                out.add(new Object[] {s, live});
            }
            return out;
        }, false).compose(rows -> {
            Future<Map<String, History.SiteStats>> stats = history == null ? Future.succeededFuture(Map.of()) : history.siteStats(now)
                    .recover(e -> Future.succeededFuture(Map.of()));
            List<Future<Integer>> counts = new ArrayList<>();
            for (Object[] r : rows) counts.add(sites.live(((Site) r[0]).siteId()).map(l -> l.visitors().size()).recover(e -> Future.succeededFuture(-1)));
            return Future.join(counts).compose(v -> stats).map(st -> {
                JsonArray list = new JsonArray();
                for (int i = 0; i < rows.size(); i++) {
                    Site s = (Site) rows.get(i)[0];
                    History.SiteStats x = st.getOrDefault(s.siteId(), History.SiteStats.NONE);
                    list.add(new JsonObject().put("siteId", s.siteId()).put("name", s.name())
                            .put("createdAt", Instant.ofEpochMilli(s.createdAt()).toString())
                            .put("suspended", team.suspended(s.siteId())).put("liveVisitors", counts.get(i).result())
                            .put("pageViewsToday", history == null ? null : x.pageViewsToday())
                            .put("storedBytes", history == null ? null : x.storedBytes())
                            .put("failingWebhooks", history == null ? null : x.failingWebhooks())
                            .put("activeKeys", rows.get(i)[1]).put("members", team.members(s.siteId()).size()));
                }
                return list;
            });
        }).onSuccess(list -> TeamRoutes.json(ctx, 200, new JsonObject().put("sites", list)))
                .onFailure(e -> ctx.fail(e instanceof ApiError ? e : ApiError.unavailable("the sites cannot be read right now", 5)));
    }

    /** A new site: its keys are in the answer, shown this once. */
    private void create(RoutingContext ctx) {
        User op = Access.operator(ctx);
        String name = JsonBody.string(JsonBody.object(ctx), "name");
        if (name == null || name.isBlank() || name.length() > 200) throw ApiError.badRequest("'name' must be 1-200 characters");
        ctx.vertx().executeBlocking(() -> store.createSite(name.strip(), false), false).onSuccess(created -> {
            audit.record(created.site().siteId(), Audit.Actor.user(op.userId(), op.name()), "site.created", created.site().siteId(), null);
            TeamRoutes.json(ctx, 201, new JsonObject().put("siteId", created.site().siteId()).put("name", created.site().name())
                    .put("publicKey", created.publicKey()).put("secretKey", created.secretKey()));
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the site cannot be created right now", 5)));
    }

    /** {"suspended": true|false}: a suspended site's keys and people are refused with 403 and its sockets closed, on every node. */
    private void suspend(RoutingContext ctx) {
        User op = Access.operator(ctx);
        String siteId = ctx.pathParam("siteId");
        Object v = JsonBody.object(ctx).getValue("suspended");
        if (!(v instanceof Boolean suspended)) throw ApiError.badRequest("'suspended' must be true or false");
        ctx.vertx().executeBlocking(() -> {
            if (store.site(siteId).isEmpty()) throw new ApiError(404, "no site '" + (siteId.length() > 40 ? siteId.substring(0, 40) : siteId) + "'");
            team.store().setSiteSuspended(siteId, suspended, op.userId(), System.currentTimeMillis());
            team.reloadIfChanged();
            return null;
        }, false).onSuccess(x -> {
            audit.record(siteId, Audit.Actor.user(op.userId(), op.name()), suspended ? "site.suspended" : "site.resumed", siteId, null);
            TeamRoutes.json(ctx, 200, new JsonObject().put("siteId", siteId).put("suspended", suspended));
        }).onFailure(ctx::fail);
    }
}
