package dev.tippen.invite;

import dev.tippen.access.Access;
import dev.tippen.access.Caller;
import dev.tippen.http.ApiError;
import dev.tippen.http.Cors;
import dev.tippen.http.Credentials;
import dev.tippen.http.JsonBody;
import dev.tippen.http.RateLimits;
import dev.tippen.visitor.Sender;
import dev.tippen.visitor.Sites;
import dev.tippen.visitor.VisitorIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /api/send-video-invite: the secret key, a live visitor, a safe guest URL. */
public final class InviteHandler {
    private static final Logger log = LoggerFactory.getLogger(InviteHandler.class);

    private final Credentials credentials;
    private final Cors cors;
    private final Sites sites;
    private final RateLimits limits;

    private final dev.tippen.team.Audit audit;
    private final dev.tippen.call.CallInvites calls;
    private final java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> base;

    /** {@code base}: this server's address as visitors' browsers reach it, for the pages of calls in Tippen. */
    public InviteHandler(Credentials credentials, Cors cors, Sites sites, RateLimits limits, dev.tippen.team.Audit audit,
                         dev.tippen.call.CallInvites calls, java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> base) {
        this.audit = audit;
        this.calls = calls;
        this.base = base;
        this.credentials = credentials;
        this.cors = cors;
        this.sites = sites;
        this.limits = limits;
    }

    public void handle(RoutingContext ctx) {
        // A page of another site must not send invites with a secret key it got hold of.
        String origin = ctx.request().getHeader("Origin");
        if (!cors.allows(origin) && !credentials.sameOrigin(ctx.request())) throw new ApiError(403, "origin " + origin + " may not send invites");
        JsonObject body = JsonBody.object(ctx);
        Caller caller = Access.caller(ctx);
        limits.inviteForSite(caller.siteId());
        String visitorId = JsonBody.string(body, "visitorId");
        if (visitorId == null) throw ApiError.badRequest("missing 'visitorId'");
        if (!VisitorIds.valid(visitorId)) throw ApiError.badRequest("'visitorId' is not a valid visitor id");
        String siteId = caller.siteId();
        String given = JsonBody.string(body, "guestUrl");
        if (given == null || given.isBlank()) {
            // No meeting elsewhere: a call in Tippen itself.
            calls.invite(caller, visitorId, base.apply(ctx.request())).onSuccess(placed -> {
                log.info("event=call_invited site={} call={} delivered={}", siteId, placed.callId(), placed.outcome().delivered());
                audit.record(siteId, caller.auditActor(), "invite.sent", placed.callId(), null);
                ctx.response().putHeader("Content-Type", "application/json").end(answer(placed.outcome())
                        .put("call", placed.json()).encode());
            }).onFailure(ctx::fail);
            return;
        }
        String guestUrl = GuestUrl.validate(given);
        Sender sentBy = caller.actor().person() ? new Sender(caller.actor().userId(), caller.actor().name()) : Sender.API_KEY;
        sites.invite(siteId, visitorId, guestUrl, sentBy)
                .onSuccess(outcome -> {
                    log.info("event=invite_sent site={} invite={} delivered={} by={}", siteId, outcome.invite().inviteId(), outcome.delivered(),
                            caller.actor().person() ? caller.actor().userId() : "api_key");
                    audit.record(siteId, caller.auditActor(), "invite.sent", outcome.invite().inviteId(), null);
                    ctx.response().putHeader("Content-Type", "application/json").end(answer(outcome).encode());
                })
                .onFailure(ctx::fail);
    }

    private static JsonObject answer(Sites.InviteOutcome outcome) {
        return new JsonObject()
                .put("success", true)
                .put("delivered", outcome.delivered())
                .put("inviteId", outcome.invite().inviteId())
                .put("expiresAt", outcome.invite().expiresAt());
    }


}
