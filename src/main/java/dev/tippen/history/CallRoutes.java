package dev.tippen.history;

import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.http.JsonBody;
import dev.tippen.team.Audit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;

/**
 * GET /api/calls: the site's calls in Tippen, newest first; POST /api/calls/{callId}/feedback: the
 * agent's word on one (lead quality, a 1–5 rating, notes).
 */
public final class CallRoutes {
    static final Set<String> LEAD_QUALITIES = Set.of("hot", "warm", "cold", "not_qualified");
    static final int MAX_NOTES = 2000;

    private final History history;
    private final Audit audit;

    public CallRoutes(History history, Audit audit) {
        this.history = history;
        this.audit = audit;
    }

    public void mount(Router router) {
        router.get("/api/calls").handler(this::list);
        router.post("/api/calls/:callId/feedback").handler(BodyHandler.create(false).setBodyLimit(8192)).handler(this::feedback);
    }

    private History history() {
        if (history == null) {
            throw ApiError.unavailable("this server keeps no history (--history off, or several nodes without --history postgres://...)", 3600);
        }
        return history;
    }

    private void list(RoutingContext ctx) {
        Params p = new Params(ctx.queryParams(), Set.of("limit", "cursor"));
        String text = p.text("cursor");
        Keyset cursor = text == null ? null : Keyset.decode(text);
        if (text != null && cursor == null) throw ApiError.badRequest("'cursor' is not one this server gave");
        String siteId = Access.caller(ctx).siteId();
        history().calls(siteId, cursor, p.limit(50, 500)).onSuccess(page -> {
            JsonArray calls = new JsonArray();
            for (CallLog.Call c : page.calls()) calls.add(HistoryJson.call(c.entry(), c.visitorId(), c.visitId()));
            ctx.response().putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("calls", calls).put("nextCursor", page.nextCursor()).encode());
        }).onFailure(ctx::fail);
    }

    private void feedback(RoutingContext ctx) {
        String callId = ctx.pathParam("callId");
        if (callId == null || !callId.matches("[A-Za-z0-9_-]{1,64}")) throw ApiError.badRequest("'callId' is not a call's id");
        JsonObject body = JsonBody.object(ctx);
        Object lead = body.getValue("leadQuality");
        if (lead != null && !(lead instanceof String s && LEAD_QUALITIES.contains(s))) {
            throw ApiError.badRequest("'leadQuality' is one of hot, warm, cold, not_qualified (or null)");
        }
        Object rating = body.getValue("rating");
        if (rating != null && !(rating instanceof Integer r && r >= 1 && r <= 5)) throw ApiError.badRequest("'rating' is a whole number from 1 to 5 (or null)");
        Object notes = body.getValue("notes");
        if (notes != null && !(notes instanceof String n && n.length() <= MAX_NOTES)) {
            throw ApiError.badRequest("'notes' is text of at most " + MAX_NOTES + " characters (or null)");
        }
        if (lead == null && rating == null && (notes == null || ((String) notes).isBlank())) {
            throw ApiError.badRequest("give at least one of 'leadQuality', 'rating' and 'notes'");
        }
        Caller caller = Access.caller(ctx);
        String by = caller.actor().person() ? caller.actor().userId() : null;
        InviteEntry.Feedback f = new InviteEntry.Feedback((String) lead, (Integer) rating, (String) notes, by, System.currentTimeMillis());
        history().feedback(caller.siteId(), callId, f).onSuccess(stored -> {
            if (!stored) {
                ctx.fail(new ApiError(404, "no call '" + callId + "' in this site's history (a call that just ended is recorded within a few seconds)"));
                return;
            }
            audit.record(caller.siteId(), caller.auditActor(), "call.feedback", callId, null);
            ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("callId", callId).put("saved", true).encode());
        }).onFailure(ctx::fail);
    }
}
