package dev.tippen.webhook;

import dev.tippen.access.Access;
import dev.tippen.history.HistoryJson;
import dev.tippen.http.ApiError;
import dev.tippen.http.RateLimits;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks API: a site's endpoints, their deliveries, a test message, replay and secret
 * rotation. Secret key (or the console's session) only. A secret is shown once, when it is made.
 */
public final class WebhookRoutes {
    private static final Logger log = LoggerFactory.getLogger(WebhookRoutes.class);
    static final int MAX_ENDPOINTS = 20;
    private static final int MAX_DESCRIPTION = 500;
    private static final long ROTATION_MILLIS = 24L * 3_600_000;
    private static final Set<String> CREATE_FIELDS = Set.of("url", "kind", "events", "filter", "description");
    private static final Set<String> PATCH_FIELDS = Set.of("url", "events", "filter", "description", "enabled");

    private final Webhooks webhooks;

    /** {@code webhooks} is null when the server keeps no history (they are made of it): the routes then say so. */
    private final RateLimits limits;

    private final dev.tippen.team.Audit audit;

    public WebhookRoutes(Webhooks webhooks, RateLimits limits, dev.tippen.team.Audit audit) {
        this.audit = audit;
        this.webhooks = webhooks;
        this.limits = limits;
    }

    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(16 * 1024);
        router.post("/api/webhooks").handler(body).handler(audited("webhook.created")).handler(this::create);
        router.get("/api/webhooks").handler(this::list);
        router.get("/api/webhooks/:id").handler(this::get);
        router.patch("/api/webhooks/:id").handler(body).handler(audited("webhook.changed")).handler(this::patch);
        router.delete("/api/webhooks/:id").handler(audited("webhook.deleted")).handler(this::delete);
        router.post("/api/webhooks/:id/test").handler(this::test);
        router.post("/api/webhooks/:id/rotate-secret").handler(audited("webhook.secret_rotated")).handler(this::rotate);
        router.get("/api/webhooks/:id/deliveries").handler(this::deliveries);
        router.post("/api/webhooks/:id/deliveries/:deliveryId/replay").handler(this::replay);
    }

    /** Records the change in the site's audit log once it has been answered with success. */
    private io.vertx.core.Handler<RoutingContext> audited(String action) {
        return ctx -> {
            dev.tippen.access.Caller caller = Access.caller(ctx);
            ctx.addEndHandler(done -> {
                if (done.succeeded() && ctx.response().getStatusCode() < 300) {
                    audit.record(caller.siteId(), caller.auditActor(), action, ctx.pathParam("id"), null);
                }
            });
            ctx.next();
        };
    }

    private String site(RoutingContext ctx) {
        String siteId = Access.caller(ctx).siteId();
        if (webhooks == null) {
            throw ApiError.unavailable("webhooks are made of the history, which this server does not keep"
                    + " (with several nodes it needs --history postgres://...)", 3600);
        }
        return siteId;
    }

    private void create(RoutingContext ctx) {
        String siteId = site(ctx);
        JsonObject b = body(ctx, CREATE_FIELDS);
        String url = url(b.getValue("url"));
        Object kindValue = b.getValue("kind", "standard");
        Endpoint.Kind kind = kindValue instanceof String s ? Endpoint.Kind.of(s) : null;
        if (kind == null) throw ApiError.badRequest("'kind' must be \"standard\" or \"slack\"");
        Set<String> events = events(b.getValue("events"), true);
        EndpointFilter filter = EndpointFilter.parse(b.getValue("filter"));
        String description = description(b.getValue("description"));
        long now = System.currentTimeMillis();
        Endpoint e = new Endpoint(Ids.next("ep_"), siteId, url, kind, events, filter, description, Signature.newSecret(), null, null,
                true, null, null, null, 0, 0, now, now);
        // The name is resolved before the transaction: a slow DNS answer holds no lock.
        reply(ctx, 201, webhooks.read(c -> checkTarget(url)).compose(v -> webhooks.run(c -> {
            if (EndpointStore.count(c, siteId) >= MAX_ENDPOINTS) {
                throw ApiError.badRequest("a site has at most " + MAX_ENDPOINTS + " webhook endpoints; delete one first");
            }
            EndpointStore.insert(c, e);
            return e;
        })), created -> {
            log.info("event=webhook_created site={} endpoint={} kind={}", siteId, created.id(), created.kind().wire());
            webhooks.wake(created.id());
            return json(created, 0).put("secret", created.secret());
        });
    }

    private void list(RoutingContext ctx) {
        String siteId = site(ctx);
        reply(ctx, 200, webhooks.read(c -> {
            JsonArray out = new JsonArray();
            for (Endpoint e : EndpointStore.forSite(c, siteId)) out.add(json(e, DeliveryStore.pending(c, e.id())));
            return out;
        }), list -> new JsonObject().put("webhooks", list));
    }

    private void get(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        reply(ctx, 200, webhooks.read(c -> {
            Endpoint e = found(EndpointStore.get(c, siteId, id), id);
            return json(e, DeliveryStore.pending(c, e.id()));
        }), o -> o);
    }

    private void patch(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        JsonObject b = body(ctx, PATCH_FIELDS);
        String url = b.containsKey("url") ? url(b.getValue("url")) : null;
        Set<String> events = b.containsKey("events") ? events(b.getValue("events"), false) : null;
        EndpointFilter filter = b.containsKey("filter") ? EndpointFilter.parse(b.getValue("filter")) : null;
        String description = b.containsKey("description") ? description(b.getValue("description")) : null;
        Object enabled = b.getValue("enabled");
        if (enabled != null && !(enabled instanceof Boolean)) throw ApiError.badRequest("'enabled' must be true or false");
        reply(ctx, 200, webhooks.read(c -> url == null ? null : checkTarget(url)).compose(v -> webhooks.run(c -> {
            Endpoint e = found(EndpointStore.get(c, siteId, id), id);
            long now = System.currentTimeMillis();
            Endpoint changed = new Endpoint(e.id(), e.siteId(), url == null ? e.url() : url, e.kind(), events == null ? e.events() : events,
                    filter == null ? e.filter() : filter, b.containsKey("description") ? description : e.description(), e.secret(),
                    e.previousSecret(), e.previousUntil(), e.enabled(), e.disabledReason(), e.disabledAt(), e.failingSince(),
                    e.pausedUntil(), e.dropped(), e.createdAt(), now);
            EndpointStore.update(c, changed);
            if (Boolean.TRUE.equals(enabled) && !e.enabled()) EndpointStore.enable(c, id, now);
            if (Boolean.FALSE.equals(enabled) && e.enabled()) EndpointStore.disable(c, id, "disabled by the site", now);
            return json(EndpointStore.get(c, siteId, id), DeliveryStore.pending(c, id));
        })), o -> {
            webhooks.wake(id);
            return o;
        });
    }

    private void delete(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        webhooks.run(c -> {
            if (!EndpointStore.delete(c, siteId, id)) throw notFound(id);
            return null;
        }).compose(v -> webhooks.run(c -> {
            // Its deliveries go in small transactions, so the history's writer never waits long.
            while (DeliveryStore.pruneEndpoint(c, id, 500) == 500) c.commit();
            return null;
        })).onSuccess(v -> {
            log.info("event=webhook_deleted site={} endpoint={}", siteId, id);
            ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
    }

    private void test(RoutingContext ctx) {
        String siteId = site(ctx);
        limits.webhookTestForSite(siteId);
        String id = ctx.pathParam("id");
        reply(ctx, 202, webhooks.run(c -> {
            Endpoint e = found(EndpointStore.get(c, siteId, id), id);
            if (!e.enabled()) throw new ApiError(409, "the endpoint is disabled (" + e.disabledReason() + "); enable it first");
            long now = System.currentTimeMillis();
            JsonObject body = Payloads.envelope(EventTypes.TEST, now, new JsonObject()
                    .put("message", "A test message from Tippen: this endpoint receives the site's notifications."));
            String deliveryId = Ids.next("dlv_");
            String messageId = Ids.next("msg_");
            DeliveryStore.enqueue(c, deliveryId, id, siteId, messageId, EventTypes.TEST, null, body.encode(), now);
            return new JsonObject().put("deliveryId", deliveryId).put("webhookId", messageId);
        }), o -> {
            webhooks.wake(id);
            return o;
        });
    }

    private void rotate(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        reply(ctx, 200, webhooks.run(c -> {
            Endpoint e = found(EndpointStore.get(c, siteId, id), id);
            long now = System.currentTimeMillis();
            String secret = Signature.newSecret();
            long until = now + ROTATION_MILLIS;
            EndpointStore.rotate(c, id, secret, e.secret(), until, now);
            return new JsonObject().put("secret", secret).put("previousSecretValidUntil", HistoryJson.iso(until));
        }), o -> {
            log.info("event=webhook_secret_rotated site={} endpoint={}", siteId, id);
            return o;
        });
    }

    private void deliveries(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        for (String k : ctx.queryParams().names()) {
            if (!k.equals("limit") && !k.equals("cursor") && !k.equals("site")) throw ApiError.badRequest("unknown parameter '" + k + "'; use limit, cursor");
        }
        int limit = limit(ctx.queryParams().get("limit"));
        String[] cursor = cursor(ctx.queryParams().get("cursor"));
        reply(ctx, 200, webhooks.read(c -> {
            found(EndpointStore.get(c, siteId, id), id);
            return DeliveryStore.list(c, id, cursor == null ? null : Long.parseLong(cursor[0]), cursor == null ? null : cursor[1], limit + 1);
        }), list -> {
            JsonArray out = new JsonArray();
            for (int i = 0; i < Math.min(limit, list.size()); i++) out.add(json(list.get(i)));
            String next = null;
            if (list.size() > limit) {
                Delivery last = list.get(limit - 1);
                next = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((last.createdAt() + ":" + last.id()).getBytes(StandardCharsets.UTF_8));
            }
            return new JsonObject().put("deliveries", out).put("nextCursor", next);
        });
    }

    private void replay(RoutingContext ctx) {
        String siteId = site(ctx);
        String id = ctx.pathParam("id");
        String deliveryId = ctx.pathParam("deliveryId");
        reply(ctx, 202, webhooks.run(c -> {
            found(EndpointStore.get(c, siteId, id), id);
            if (!DeliveryStore.replay(c, id, deliveryId, System.currentTimeMillis())) {
                throw new ApiError(404, "endpoint '" + id + "' has no delivery '" + clip(deliveryId) + "'");
            }
            return json(DeliveryStore.one(c, id, deliveryId));
        }), o -> {
            webhooks.wake(id);
            return o;
        });
    }

    /** Resolves the URL's host (blocking: on a worker) and refuses it with a 400 unless it is allowed. */
    private Void checkTarget(String url) {
        try {
            webhooks.guard().check(webhooks.guard().parse(url));
            return null;
        } catch (TargetGuard.Refused r) {
            throw ApiError.badRequest(r.getMessage());
        }
    }

    private String url(Object v) {
        if (!(v instanceof String s)) throw ApiError.badRequest("'url' must be the receiver's https URL");
        try {
            return webhooks.guard().parse(s).toString();
        } catch (TargetGuard.Refused r) {
            throw ApiError.badRequest(r.getMessage());
        }
    }

    private static Set<String> events(Object v, boolean defaultAll) {
        if (v == null) {
            if (defaultAll) return Set.copyOf(EventTypes.ALL);
            throw ApiError.badRequest("'events' must be an array of event types");
        }
        if (!(v instanceof JsonArray a) || a.isEmpty()) {
            throw ApiError.badRequest("'events' must be a non-empty array of: " + String.join(", ", EventTypes.ALL));
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : a) {
            if (!(o instanceof String s) || !EventTypes.KNOWN.contains(s)) {
                throw ApiError.badRequest("'events' holds an unknown event type; known: " + String.join(", ", EventTypes.ALL));
            }
            out.add(s);
        }
        return Set.copyOf(out);
    }

    private static String description(Object v) {
        if (v == null) return null;
        if (!(v instanceof String s)) throw ApiError.badRequest("'description' must be a string");
        if (s.length() > MAX_DESCRIPTION) throw ApiError.badRequest("'description' is at most " + MAX_DESCRIPTION + " characters");
        return s.isBlank() ? null : s.trim();
    }

    private static int limit(String v) {
        if (v == null) return 50;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 200) return n;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw ApiError.badRequest("'limit' must be 1..200");
    }

    private static String[] cursor(String v) {
        if (v == null) return null;
        try {
            String s = new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
            String[] parts = s.split(":", 2);
            Long.parseLong(parts[0]);
            if (parts.length == 2 && parts[1].startsWith("dlv_")) return parts;
        } catch (IllegalArgumentException ignored) {
            // refused below
        }
        throw ApiError.badRequest("'cursor' is not a cursor from this API's 'nextCursor'");
    }

    private static JsonObject body(RoutingContext ctx, Set<String> fields) {
        if (ctx.body().buffer() == null || ctx.body().length() == 0) throw ApiError.badRequest("empty body; expected a JSON object");
        Object v;
        try {
            v = Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException e) {
            throw ApiError.badRequest("body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) throw ApiError.badRequest("body must be a JSON object");
        for (String k : o.fieldNames()) {
            if (!fields.contains(k)) {
                throw ApiError.badRequest("'" + clip(k) + "' is not a field here; use " + String.join(", ", new java.util.TreeSet<>(fields)));
            }
        }
        return o;
    }

    private static Endpoint found(Endpoint e, String id) {
        if (e == null) throw notFound(id);
        return e;
    }

    private static ApiError notFound(String id) {
        return new ApiError(404, "no webhook endpoint '" + clip(id) + "' on this site");
    }

    static JsonObject json(Endpoint e, int pending) {
        JsonArray events = new JsonArray();
        for (String t : EventTypes.ALL) if (e.events().contains(t)) events.add(t);
        long now = System.currentTimeMillis();
        return new JsonObject()
                .put("id", e.id())
                .put("url", e.url())
                .put("kind", e.kind().wire())
                .put("events", events)
                .put("filter", e.filter().toJson())
                .put("description", e.description())
                .put("enabled", e.enabled())
                .put("disabledReason", e.disabledReason())
                .put("disabledAt", iso(e.disabledAt()))
                .put("failingSince", iso(e.failingSince()))
                .put("pausedUntil", e.pausedUntil() > now ? HistoryJson.iso(e.pausedUntil()) : null)
                .put("previousSecretValidUntil", e.previousUntil() != null && e.previousUntil() > now ? HistoryJson.iso(e.previousUntil()) : null)
                .put("pending", pending)
                .put("dropped", e.dropped())
                .put("createdAt", HistoryJson.iso(e.createdAt()))
                .put("updatedAt", HistoryJson.iso(e.updatedAt()));
    }

    static JsonObject json(Delivery d) {
        JsonArray attempts = new JsonArray();
        for (Delivery.Attempt a : d.attempts()) {
            attempts.add(new JsonObject().put("n", a.n()).put("at", HistoryJson.iso(a.at())).put("status", a.status())
                    .put("durationMs", a.durationMillis()).put("response", a.response()).put("error", a.error()));
        }
        return new JsonObject().put("id", d.id()).put("webhookId", d.messageId()).put("type", d.type())
                .put("createdAt", HistoryJson.iso(d.createdAt())).put("state", d.state()).put("tries", d.tries())
                .put("nextAttemptAt", Delivery.PENDING.equals(d.state()) ? HistoryJson.iso(d.nextAt()) : null)
                .put("lastStatus", d.lastStatus()).put("finishedAt", iso(d.finishedAt())).put("attempts", attempts);
    }

    private static String iso(Long ms) {
        return ms == null ? null : HistoryJson.iso(ms);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static <T> void reply(RoutingContext ctx, int status, Future<T> result, java.util.function.Function<T, JsonObject> render) {
        result.onSuccess(value -> {
            JsonObject body;
            try {
                body = render.apply(value);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
        }).onFailure(ctx::fail);
    }
}
