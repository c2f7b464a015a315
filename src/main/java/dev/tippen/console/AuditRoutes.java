package dev.tippen.console;

import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.history.Csv;
import dev.tippen.http.ApiError;
import dev.tippen.team.AuditEntry;
import dev.tippen.team.TeamStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/audit}: a site's audit log, newest first, a page at a time. The cursor is the last
 * entry's id, so a page reads the same however many entries arrive meanwhile.
 */
public final class AuditRoutes {
    private static final Set<String> PARAMS = Set.of("limit", "cursor", "format", "site", "apiKey");

    private final TeamStore store;

    public AuditRoutes(TeamStore store) {
        this.store = store;
    }

    public void mount(Router router) {
        router.get("/api/audit").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        Caller caller = Access.caller(ctx);
        for (String name : ctx.queryParams().names()) {
            if (!PARAMS.contains(name)) throw ApiError.badRequest("unknown parameter '" + name + "'; this route takes limit, cursor, format");
        }
        int limit = limit(ctx.queryParams().get("limit"));
        String cursor = ctx.queryParams().get("cursor");
        if (cursor != null && !cursor.matches("[0-9]{13}_[A-Za-z0-9]{8}")) throw ApiError.badRequest("'cursor' is not one this route gave");
        String format = ctx.queryParams().get("format");
        boolean csv = "csv".equals(format) || (format == null && String.valueOf(ctx.request().getHeader("Accept")).contains("text/csv"));
        if (format != null && !format.equals("csv") && !format.equals("json")) throw ApiError.badRequest("'format' must be json or csv");
        ctx.vertx().executeBlocking(() -> store.auditPage(caller.siteId(), cursor, limit + 1), false).onSuccess(rows -> {
            List<AuditEntry> page = rows.size() > limit ? rows.subList(0, limit) : rows;
            String next = rows.size() > limit ? page.get(page.size() - 1).auditId() : null;
            if (csv) {
                Csv out = new Csv("at", "actorType", "actorId", "actorName", "action", "target", "detail");
                for (AuditEntry e : page) {
                    out.row(Instant.ofEpochMilli(e.at()).toString(), e.actorType(), e.actorId(), e.actorName(), e.action(), e.target(), e.detail());
                }
                ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
                        .putHeader("Content-Disposition", "attachment; filename=\"tippen-audit.csv\"");
                if (next != null) ctx.response().putHeader("X-Next-Cursor", next);
                ctx.response().end(out.encode());
                return;
            }
            JsonArray list = new JsonArray();
            for (AuditEntry e : page) {
                list.add(new JsonObject().put("id", e.auditId()).put("at", Instant.ofEpochMilli(e.at()).toString())
                        .put("actor", new JsonObject().put("type", e.actorType()).put("id", e.actorId()).put("name", e.actorName()))
                        .put("action", e.action()).put("target", e.target()).put("detail", e.detail()));
            }
            TeamRoutes.json(ctx, 200, new JsonObject().put("entries", list).put("nextCursor", next));
        }).onFailure(e -> ctx.fail(ApiError.unavailable("the audit log cannot be read right now", 5)));
    }

    private static int limit(String s) {
        if (s == null) return 100;
        try {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 1000) return n;
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw ApiError.badRequest("'limit' must be 1-1000");
    }
}
