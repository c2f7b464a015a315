package dev.tippen.history;

import dev.tippen.access.Access;
import dev.tippen.http.ApiError;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorIds;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history API: visits, a visitor's profile, reports, and erasure. Secret key (or the console's
 * session) only; JSON by default, CSV with {@code Accept: text/csv} or {@code ?format=csv}.
 */
public final class HistoryRoutes {
    private static final Logger log = LoggerFactory.getLogger(HistoryRoutes.class);
    private static final Set<String> VISIT_PARAMS = Set.of("from", "to", "visitorId", "company", "country", "network", "page", "limit", "cursor");
    private static final Set<String> REPORT_PARAMS = Set.of("from", "to", "limit", "sort");
    private static final List<String> NETWORKS = List.of("business", "isp", "hosting", "education", "private");

    private final Sites sites;
    private final History history;
    private final Clock clock;
    private final Vertx vertx;

    /** {@code history} is null when the server keeps none: the routes then say so. */
    private final dev.tippen.team.Audit audit;

    public HistoryRoutes(Vertx vertx, Sites sites, History history, Clock clock, dev.tippen.team.Audit audit) {
        this.audit = audit;
        this.vertx = vertx;
        this.sites = sites;
        this.history = history;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.get("/api/visits").handler(this::visits);
        router.get("/api/visitors/:visitorId").handler(this::profile);
        router.delete("/api/visitors/:visitorId").handler(this::erase);
        router.get("/api/reports/:dimension").handler(this::report);
    }

    private void visits(RoutingContext ctx) {
        String siteId = Access.caller(ctx).siteId();
        csv(ctx); // a bad format is refused before anything is read
        History h = history();
        Params p = new Params(ctx.queryParams(), VISIT_PARAMS);
        long[] range = p.range(clock.millis());
        String visitorId = p.text("visitorId");
        if (visitorId != null && !VisitorIds.valid(visitorId)) throw ApiError.badRequest("'visitorId' must be " + VisitorIds.RULE);
        String network = p.oneOf("network", NETWORKS, null);
        String cursorText = p.text("cursor");
        Keyset cursor = cursorText == null ? null : Keyset.decode(cursorText);
        if (cursorText != null && cursor == null) throw ApiError.badRequest("'cursor' is not a cursor from this API's 'nextCursor'");
        String country = p.text("country");
        VisitQuery q = new VisitQuery(siteId, range[0], range[1], visitorId, p.text("company"),
                country == null ? null : country.toUpperCase(java.util.Locale.ROOT), network, p.text("page"), p.limit(50, 500), cursor);
        reply(ctx, h.visits(q), page -> {
            if (csv(ctx)) return visitsCsv(page.visits());
            JsonArray list = new JsonArray();
            for (VisitRecord v : page.visits()) list.add(HistoryJson.visit(v));
            return new JsonObject().put("visits", list).put("nextCursor", page.nextCursor());
        }, "visits");
    }

    private void profile(RoutingContext ctx) {
        String siteId = Access.caller(ctx).siteId();
        csv(ctx); // a bad format is refused before anything is read
        History h = history();
        new Params(ctx.queryParams(), Set.of());
        String visitorId = visitorId(ctx);
        reply(ctx, h.profile(siteId, visitorId), profile -> {
            if (profile == null) throw new ApiError(404, "no visits of visitor '" + visitorId + "' are recorded");
            if (csv(ctx)) return visitsCsv(profile.visits());
            HistoryReader.Totals t = profile.totals();
            JsonArray list = new JsonArray();
            for (VisitRecord v : profile.visits()) list.add(HistoryJson.visit(v));
            return new JsonObject().put("visitorId", visitorId).put("totals", new JsonObject()
                    .put("visits", t.visits()).put("pageViews", t.pageViews()).put("totalSeconds", t.totalSeconds())
                    .put("firstSeen", HistoryJson.iso(t.firstSeen())).put("lastSeen", HistoryJson.iso(t.lastSeen()))
                    .put("invites", t.invites()).put("invitesAccepted", t.accepted())).put("visits", list);
        }, "visitor-" + visitorId);
    }

    /**
     * The visitor is forgotten: from the live list at once, then from the history, and the answer
     * waits for both, so a list read after it no longer shows the visitor. The erasure is durable
     * before the history applies it; if the history takes longer than {@link #ERASE_WAIT_MILLIS}
     * (it is down, or far behind), the answer is 202: it will be applied, but is not yet.
     */
    private void erase(RoutingContext ctx) {
        dev.tippen.access.Caller caller = Access.caller(ctx);
        String siteId = caller.siteId();
        String visitorId = visitorId(ctx);
        String receipt = history == null ? null : "era_" + java.util.UUID.randomUUID();
        sites.erase(siteId, visitorId, receipt).compose(v -> history == null ? Future.succeededFuture(true) : applied(receipt))
                .onSuccess(done -> {
                    log.info("event=visitor_erased site={} history={}", siteId, done ? "applied" : "pending");
                    // Which visitor is exactly what an erasure must not keep: the entry names the receipt.
                    audit.record(siteId, caller.auditActor(), "visitor.erased", receipt, null);
                    if (done) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(new JsonObject()
                                .put("status", "pending").put("note", "the visitor is off the live list, and its erasure is stored;"
                                        + " the history has not applied it yet and will as soon as it can").encode());
                    }
                }).onFailure(ctx::fail);
    }

    static final long ERASE_WAIT_MILLIS = 30_000;
    private static final long ERASE_POLL_MILLIS = 50;

    /** Completes with true once the history holds the receipt, or false after {@link #ERASE_WAIT_MILLIS}. */
    private Future<Boolean> applied(String receipt) {
        Promise<Boolean> done = Promise.promise();
        long giveUpAt = clock.millis() + ERASE_WAIT_MILLIS;
        poll(receipt, giveUpAt, done);
        return done.future();
    }

    private void poll(String receipt, long giveUpAt, Promise<Boolean> done) {
        history.hurry();
        history.erased(receipt).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) done.complete(true);
            else if (clock.millis() >= giveUpAt) done.complete(false);
            else vertx.setTimer(ERASE_POLL_MILLIS, id -> poll(receipt, giveUpAt, done));
        });
    }

    private void report(RoutingContext ctx) {
        String siteId = Access.caller(ctx).siteId();
        csv(ctx); // a bad format is refused before anything is read
        History h = history();
        String dimension = ctx.pathParam("dimension");
        if (dimension.equals(AGENTS)) {
            agents(ctx, siteId, h);
            return;
        }
        if (!ReportQuery.DIMENSIONS.contains(dimension)) {
            throw new ApiError(404, "no report '" + dimension + "'; reports are " + String.join(", ", ReportQuery.DIMENSIONS) + ", " + AGENTS);
        }
        Params p = new Params(ctx.queryParams(), REPORT_PARAMS);
        long[] range = p.range(clock.millis());
        String sort = p.oneOf("sort", ReportQuery.SORTS, dimension.equals(Rollup.COMPANIES) ? "score" : "visits");
        ReportQuery q = new ReportQuery(siteId, dimension, Days.of(range[0]), Days.of(range[1] - 1), sort, p.limit(100, 1000));
        reply(ctx, h.report(q), rows -> {
            if (csv(ctx)) return reportCsv(rows, dimension);
            JsonArray list = new JsonArray();
            for (ReportRow r : rows) list.add(HistoryJson.row(r, dimension));
            return new JsonObject().put("dimension", dimension).put("from", Days.iso(q.fromDay())).put("to", Days.iso(q.toDay()))
                    .put("rows", list);
        }, dimension);
    }

    /** The invites report by who sent them: each person, and the API key. */
    static final String AGENTS = "agents";

    private void agents(RoutingContext ctx, String siteId, History h) {
        Params p = new Params(ctx.queryParams(), java.util.Set.of("from", "to", "limit"));
        long[] range = p.range(clock.millis());
        reply(ctx, h.agents(siteId, range[0], range[1], p.limit(100, 1000)), rows -> {
            if (csv(ctx)) {
                Csv out = new Csv("userId", "name", "invites", "accepted", "declined", "expired", "pending", "calls", "callsConnected",
                        "connectRate", "meanCallSeconds");
                for (AgentRow r : rows) out.row(r.userId(), r.name(), r.invites(), r.accepted(), r.declined(), r.expired(), r.pending(),
                        r.calls(), r.connected(), r.connectRate(), r.meanCallSeconds());
                return out;
            }
            JsonArray list = new JsonArray();
            for (AgentRow r : rows) {
                list.add(new JsonObject().put("key", r.userId() == null ? "apiKey" : r.userId()).put("userId", r.userId()).put("name", r.name())
                        .put("invites", r.invites()).put("accepted", r.accepted()).put("declined", r.declined()).put("expired", r.expired())
                        .put("pending", r.pending()).put("calls", r.calls()).put("callsConnected", r.connected())
                        .put("connectRate", r.connectRate()).put("meanCallSeconds", r.meanCallSeconds()));
            }
            return new JsonObject().put("dimension", AGENTS).put("from", java.time.Instant.ofEpochMilli(range[0]).toString())
                    .put("to", java.time.Instant.ofEpochMilli(range[1]).toString()).put("rows", list);
        }, AGENTS);
    }

    // ---- shared ---------------------------------------------------------------------------------------

    private History history() {
        if (history == null) {
            throw ApiError.unavailable("this server keeps no history (--history off, or several nodes without --history postgres://...)", 3600);
        }
        return history;
    }

    private static String visitorId(RoutingContext ctx) {
        String id = ctx.pathParam("visitorId");
        if (!VisitorIds.valid(id)) throw ApiError.badRequest("the visitor id must be " + VisitorIds.RULE);
        return id;
    }

    private static boolean csv(RoutingContext ctx) {
        String format = ctx.queryParams().get("format");
        if (format != null) {
            if (format.equals("csv")) return true;
            if (format.equals("json")) return false;
            throw ApiError.badRequest("'format' must be json or csv");
        }
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.contains("text/csv");
    }

    private <T> void reply(RoutingContext ctx, Future<T> result, java.util.function.Function<T, Object> render, String name) {
        result.onSuccess(value -> {
            Object body;
            try {
                body = render.apply(value);
            } catch (RuntimeException e) {
                ctx.fail(e);
                return;
            }
            if (body instanceof Csv c) {
                ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
                        .putHeader("Content-Disposition", "attachment; filename=\"tippen-" + name + ".csv\"").end(c.encode());
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(((JsonObject) body).encode());
            }
        }).onFailure(ctx::fail);
    }

    private static Csv visitsCsv(List<VisitRecord> visits) {
        Csv csv = new Csv("visitId", "visitorId", "visitNumber", "startedAt", "endedAt", "durationSeconds", "pageViews", "entryPage",
                "exitPage", "referrer", "source", "utmSource", "utmMedium", "utmCampaign", "utmTerm", "utmContent", "company",
                "companyDomain", "network", "asn", "country", "region", "city", "device", "os", "browser", "bot", "invites");
        for (VisitRecord v : visits) {
            Facts f = v.facts();
            dev.tippen.visitor.Utm u = v.utm();
            csv.row(v.visitId(), v.visitorId(), v.visitNumber(), HistoryJson.iso(v.startedAt()),
                    v.endedAt() == null ? null : HistoryJson.iso(v.endedAt()), v.durationSeconds(), v.pageViews(), v.entryPage(),
                    v.exitPage(), v.referrer(), v.source(), u == null ? null : u.source(), u == null ? null : u.medium(),
                    u == null ? null : u.campaign(), u == null ? null : u.term(), u == null ? null : u.content(), f.company(),
                    f.companyDomain(), f.network(), f.asn(), f.country(), f.region(), f.city(), f.device(), f.os(), f.browser(),
                    f.bot(), v.invites().size());
        }
        return csv;
    }

    private static Csv reportCsv(List<ReportRow> rows, String dimension) {
        boolean companies = dimension.equals(Rollup.COMPANIES);
        Csv csv = companies
                ? new Csv("key", "visits", "visitors", "pageViews", "totalSeconds", "lastSeen", "daysActive", "invites",
                        "invitesAccepted", "invitesDeclined", "domain", "network", "score")
                : new Csv("key", "visits", "visitors", "pageViews", "totalSeconds", "lastSeen", "daysActive", "invites");
        for (ReportRow r : rows) {
            if (companies) {
                csv.row(r.key(), r.visits(), r.visitors(), r.pageViews(), r.totalSeconds(), HistoryJson.iso(r.lastSeen()), r.daysActive(),
                        r.invites(), r.accepted(), r.declined(), r.domain(), r.network(), r.score());
            } else {
                csv.row(r.key(), r.visits(), r.visitors(), r.pageViews(), r.totalSeconds(), HistoryJson.iso(r.lastSeen()), r.daysActive(),
                        r.invites());
            }
        }
        return csv;
    }
}
