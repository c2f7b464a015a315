package dev.tippen.call;

import dev.tippen.http.Resources;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;

/**
 * GET /call/{callId}: the visitor's call page, framed by the tracker's overlay on the customer's site.
 * It has a policy of its own: its scripts and styles only from here, sockets only back here, no
 * plugins or forms, and the camera and microphone for this origin alone. Only the sites allowed to
 * call this server (--allowed-origins) may frame it.
 */
public final class CallPage {
    private static final String PAGE = "tippen-call/call.html";

    private final String csp;
    private final Buffer page;

    public CallPage(List<String> allowedOrigins) {
        String ancestors = allowedOrigins.isEmpty() || allowedOrigins.contains("*") ? "*" : String.join(" ", allowedOrigins);
        this.csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                + "media-src 'self' blob: mediastream:; frame-ancestors " + ancestors + "; base-uri 'none'; form-action 'none'; "
                + "object-src 'none'";
        this.page = Resources.read(PAGE);
    }

    public void mount(Router router) {
        router.get("/call/static/*").handler(this::secure)
                .handler(StaticHandler.create("tippen-call").setMaxAgeSeconds(300).setDirectoryListing(false));
        router.get("/call/:callId").handler(this::secure).handler(ctx -> {
            if (!ctx.pathParam("callId").matches("[A-Za-z0-9_-]{1,64}")) {
                ctx.fail(404);
                return;
            }
            ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store").end(page);
        });
    }

    private void secure(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", csp).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(), geolocation=()");
        ctx.next();
    }

}
