package dev.tippen.console;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * With --demo: a small sample website at /demo whose pages carry the tracker with the demo key, so a
 * newcomer can open the console in one tab, this site in another, and watch themselves arrive.
 */
public final class DemoSite {
    private static final String PAGE = dev.tippen.http.Resources.read("tippen-demo/page.html").toString();
    private final Map<String, Buffer> pages = Map.of(
            "/demo", page("Home", "Widgets that just work", "Click through the pages above: each view shows up in the console's live list."),
            "/demo/pricing", page("Pricing", "Plans for every team", "Starter, Team and Enterprise: a pricing page is where buyers linger."),
            "/demo/contact", page("Contact", "Talk to sales", "Rather talk now? Accept the invite the console sends you."));
    private final Buffer css = dev.tippen.http.Resources.read("tippen-demo/demo.css");

    private static Buffer page(String title, String heading, String lead) {
        return Buffer.buffer(PAGE.replace("{{title}}", title).replace("{{heading}}", heading).replace("{{lead}}", lead));
    }

    public void mount(Router router) {
        for (String path : pages.keySet()) router.get(path).handler(this::page);
        router.get("/demo/demo.css").handler(ctx -> ctx.response().putHeader("Content-Type", "text/css; charset=utf-8").end(css));
    }

    private void page(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(pages.get(ctx.normalizedPath()));
    }
}
