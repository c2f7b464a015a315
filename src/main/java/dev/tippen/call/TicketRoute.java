package dev.tippen.call;

import dev.tippen.access.Access;
import dev.tippen.http.ApiError;
import dev.tippen.http.JsonBody;
import dev.tippen.visitor.VisitorIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** POST /api/calls/{callId}/ticket {"visitorId"}: the agent takes their own call back after a reload. */
public final class TicketRoute {
    private final CallInvites calls;

    public TicketRoute(CallInvites calls) {
        this.calls = calls;
    }

    public void mount(Router router) {
        router.post("/api/calls/:callId/ticket").handler(BodyHandler.create(false).setBodyLimit(1024)).handler(this::ticket);
    }

    private void ticket(RoutingContext ctx) {
        String callId = ctx.pathParam("callId");
        if (callId == null || !callId.matches("[A-Za-z0-9_-]{1,64}")) throw ApiError.badRequest("'callId' is not a call's id");
        String v = JsonBody.string(JsonBody.object(ctx), "visitorId");
        if (v == null || !VisitorIds.valid(v)) throw ApiError.badRequest("the body needs the call's 'visitorId'");
        calls.rejoin(Access.caller(ctx), v, callId).onSuccess(ticket -> ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("callId", callId).put("ticket", ticket).encode())).onFailure(ctx::fail);
    }
}
