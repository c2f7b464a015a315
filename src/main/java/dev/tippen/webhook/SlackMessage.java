package dev.tippen.webhook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Slack incoming-webhook messages in Block Kit. Everything in them came from a visitor and is
 * escaped as Slack asks (&amp;, &lt;, &gt;), so a page title cannot mention @channel or forge a
 * link. Several notifications at once become one message: a section each, up to
 * {@link #MAX_SECTIONS}, then a count of the rest.
 */
final class SlackMessage {
    /** Notifications one message carries; Slack allows 50 blocks, and a message should stay readable. */
    static final int MAX_GROUP = 20;
    static final int MAX_SECTIONS = 10;

    private SlackMessage() {}

    static JsonObject of(List<JsonObject> payloads) {
        JsonArray blocks = new JsonArray();
        String headline = payloads.size() == 1 ? headline(payloads.get(0)) : payloads.size() + " new notifications from your site";
        blocks.add(new JsonObject().put("type", "header").put("text", plain(clip(headline, 150))));
        int shown = 0;
        for (JsonObject p : payloads) {
            if (shown == MAX_SECTIONS) break;
            if (payloads.size() > 1) blocks.add(new JsonObject().put("type", "section").put("text", mrkdwn("*" + escape(clip(headline(p), 200)) + "*")));
            section(blocks, p);
            shown++;
        }
        if (payloads.size() > shown) {
            blocks.add(new JsonObject().put("type", "context").put("elements",
                    new JsonArray().add(mrkdwn("…and " + (payloads.size() - shown) + " more. See them in the console."))));
        }
        return new JsonObject().put("text", clip(headline, 300)).put("blocks", blocks);
    }

    private static void section(JsonArray blocks, JsonObject p) {
        JsonObject data = p.getJsonObject("data", new JsonObject());
        JsonObject visit = data.getJsonObject("visit");
        if (visit == null) {
            String message = data.getString("message");
            if (message != null) blocks.add(new JsonObject().put("type", "section").put("text", mrkdwn(escape(clip(message, 2000)))));
            return;
        }
        JsonArray fields = new JsonArray();
        fields.add(mrkdwn("*Company*\n" + escape(clip(company(visit), 200))));
        fields.add(mrkdwn("*Location*\n" + escape(clip(location(visit), 200))));
        fields.add(mrkdwn("*Page*\n" + escape(clip(or(visit.getString("exitPage"), visit.getString("entryPage"), "—"), 500))));
        fields.add(mrkdwn("*Referrer*\n" + escape(clip(or(visit.getString("referrer"), null, "(direct)"), 500))));
        JsonObject invite = data.getJsonObject("invite");
        if (invite != null) fields.add(mrkdwn("*Invite*\n" + escape(clip(String.valueOf(invite.getString("outcome")), 50))));
        if (p.getString("type", "").equals(EventTypes.VISIT_ENDED)) {
            fields.add(mrkdwn("*Visit*\n" + visit.getInteger("pageViews", 0) + " pages, " + visit.getLong("durationSeconds", 0L) + " s"));
        }
        JsonObject section = new JsonObject().put("type", "section").put("fields", fields);
        String link = data.getString("consoleUrl");
        if (link != null && (link.startsWith("https://") || link.startsWith("http://"))) {
            section.put("accessory", new JsonObject().put("type", "button").put("text", plain("Open in console")).put("url", clip(link, 3000)));
        }
        blocks.add(section);
    }

    static String headline(JsonObject p) {
        String type = p.getString("type", "");
        JsonObject data = p.getJsonObject("data", new JsonObject());
        JsonObject visit = data.getJsonObject("visit");
        String who = visit == null ? "A visitor" : company(visit);
        return switch (type) {
            case EventTypes.VISITOR_ARRIVED -> who + " is on your site";
            case EventTypes.VISITOR_RETURNED -> who + " is back (visit " + (visit == null ? "?" : visit.getInteger("visitNumber", 0)) + ")";
            case EventTypes.COMPANY_ARRIVED -> who + " visits for the first time today";
            case EventTypes.VISIT_ENDED -> who + " left your site";
            case EventTypes.CALL_STARTED -> who + " is on a call with " + agent(data);
            case EventTypes.CALL_ENDED -> who + ": call with " + agent(data) + " ended";
            case EventTypes.TEST -> "Test message from Tippen";
            default -> type.startsWith(EventTypes.INVITE_PREFIX) ? who + ": invite " + type.substring(EventTypes.INVITE_PREFIX.length()) : who;
        };
    }

    private static String agent(JsonObject data) {
        JsonObject call = data.getJsonObject("call");
        JsonObject agent = call == null ? null : call.getJsonObject("agent");
        return agent == null ? "your team" : clip(String.valueOf(agent.getString("name")), 80);
    }

    private static String company(JsonObject visit) {
        String c = visit.getString("company");
        if (c == null || c.isBlank()) return "A visitor";
        return "isp".equals(visit.getString("network")) ? c + " (consumer ISP)" : c;
    }

    private static String location(JsonObject v) {
        StringBuilder b = new StringBuilder();
        for (String k : new String[] {"city", "region", "countryName"}) {
            String s = v.getString(k);
            if (s == null || s.isBlank()) continue;
            if (b.length() > 0) b.append(", ");
            b.append(s);
        }
        return b.length() == 0 ? "unknown" : b.toString();
    }

    private static JsonObject plain(String s) {
        return new JsonObject().put("type", "plain_text").put("text", s.isEmpty() ? " " : s).put("emoji", false);
    }

    private static JsonObject mrkdwn(String s) {
        return new JsonObject().put("type", "mrkdwn").put("text", s);
    }

    /** Slack's own escaping for text it would otherwise read as links, mentions or entities. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String or(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) return a;
        if (b != null && !b.isBlank()) return b;
        return fallback;
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
