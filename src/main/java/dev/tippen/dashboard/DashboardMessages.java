package dev.tippen.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import dev.tippen.socket.Text;
import dev.tippen.socket.WireJson;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.PageVisit;
import dev.tippen.visitor.Utm;
import dev.tippen.visitor.Visit;
import dev.tippen.visitor.Visitor;
import java.io.IOException;
import java.util.Collection;
import java.util.List;

/** The messages a dashboard socket receives, as documented in docs/protocol.md. */
public final class DashboardMessages {
    private DashboardMessages() {}

    /**
     * {@code trails} in every list and update below: whether each visitor carries its visit's trail.
     * The original's dashboards and the default do; a dashboard that asks for a trail when it shows one
     * ({@code trails=false}, the console) gets visitors without it, a third of the bytes or less.
     */
    public static Text initialVisitors(Collection<Visitor> visitors, int hiddenBots, boolean trails) {
        return list("INITIAL_VISITORS", visitors, hiddenBots, trails);
    }

    public static Text visitorList(Collection<Visitor> visitors, int hiddenBots, boolean trails) {
        return list("VISITOR_LIST", visitors, hiddenBots, trails);
    }

    /** The first part of a list sent in parts: INITIAL_VISITORS with {@code "more": true}. */
    static Text firstScreen(Collection<Visitor> visitors, int hiddenBots, boolean trails) {
        return WireJson.text(g -> {
            g.writeStringField("type", "INITIAL_VISITORS");
            g.writeNumberField("hiddenBots", hiddenBots);
            g.writeBooleanField("more", true);
            g.writeArrayFieldStart("visitors");
            for (Visitor v : visitors) visitor(g, v, trails);
            g.writeEndArray();
        });
    }

    /** The next part of a list sent in parts; {@code more}: whether another follows. */
    static Text moreVisitors(Collection<Visitor> visitors, boolean more, boolean trails) {
        return WireJson.text(g -> {
            g.writeStringField("type", "VISITORS_MORE");
            g.writeBooleanField("more", more);
            g.writeArrayFieldStart("visitors");
            for (Visitor v : visitors) visitor(g, v, trails);
            g.writeEndArray();
        });
    }

    public static Text visitorUpdate(Visitor v, String event, boolean trails) {
        return WireJson.text(g -> {
            g.writeStringField("type", "VISITOR_UPDATE");
            g.writeFieldName("visitor");
            visitor(g, v, trails);
            g.writeStringField("event", event);
        });
    }

    /** The answer to GET_TRAIL: one live visitor's current visit and its trail, or {@code trail: []} once it has gone. */
    public static String visitorTrail(String visitorId, Visitor v) {
        return WireJson.object(g -> {
            g.writeStringField("type", "VISITOR_TRAIL");
            g.writeStringField("visitorId", visitorId);
            Visit visit = v == null ? null : v.visit();
            g.writeStringField("visitId", visit == null ? null : visit.visitId());
            trail(g, visit, v == null ? 0 : v.lastActivity());
        });
    }

    public static String visitorsRemoved(Collection<String> visitorIds, String reason) {
        return WireJson.object(g -> {
            g.writeStringField("type", "VISITOR_REMOVED");
            g.writeArrayFieldStart("visitorIds");
            for (String id : visitorIds) g.writeString(id);
            g.writeEndArray();
            g.writeStringField("reason", reason);
        });
    }

    public static String videoInviteSent(String visitorId, String guestUrl, String inviteId) {
        return WireJson.object(g -> {
            g.writeStringField("type", "VIDEO_INVITE_SENT");
            g.writeStringField("visitorId", visitorId);
            g.writeStringField("guestUrl", guestUrl);
            g.writeStringField("inviteId", inviteId);
        });
    }

    private static Text list(String type, Collection<Visitor> visitors, int hiddenBots, boolean trails) {
        return WireJson.text(g -> {
            g.writeStringField("type", type);
            g.writeNumberField("hiddenBots", hiddenBots);
            g.writeArrayFieldStart("visitors");
            for (Visitor v : visitors) visitor(g, v, trails);
            g.writeEndArray();
        });
    }

    /** The opening of a list sent in parts: everything up to the first visitor. */
    static String listHead(String type, int hiddenBots) {
        return "{\"type\":\"" + type + "\",\"hiddenBots\":" + hiddenBots + ",\"visitors\":[";
    }

    /** Visitors {@code from..to} of a list sent in parts, each but the list's first preceded by a comma. */
    static String listPart(List<Visitor> visitors, int from, int to, boolean trails) {
        return WireJson.fragment(g -> {
            for (int i = from; i < to; i++) {
                if (i > 0) g.writeRaw(',');
                visitor(g, visitors.get(i), trails);
            }
        });
    }

    static final String LIST_TAIL = "]}";

    static void visitor(JsonGenerator g, Visitor v, boolean trails) throws IOException {
        g.writeStartObject();
        g.writeStringField("visitorId", v.visitorId());
        g.writeStringField("website", v.website());
        g.writeStringField("url", v.page().url());
        g.writeStringField("referrer", v.page().referrer());
        g.writeStringField("title", v.page().title());
        g.writeStringField("userAgent", v.browser().userAgent());
        g.writeStringField("screenResolution", v.browser().screenResolution());
        g.writeStringField("language", v.browser().language());
        g.writeStringField("timezone", v.browser().timezone());
        g.writeStringField("timestamp", v.clientTimestamp());
        g.writeStringField("ip", v.ip());
        WireJson.time(g, "firstSeen", v.firstSeen());
        WireJson.time(g, "lastActivity", v.lastActivity());
        g.writeNumberField("pageViews", v.pageViews());
        g.writeStringField("status", v.status());
        Enrichment e = v.enrichment();
        g.writeStringField("company", e == null ? null : e.company());
        g.writeStringField("location", e == null ? null : e.location());
        g.writeStringField("lastRole", e == null ? null : e.role());
        g.writeStringField("guestUrl", v.calls().guestUrl());
        WireJson.time(g, "videoDeclinedAt", v.calls().declinedAt());
        g.writeStringField("lastEvent", v.lastEvent());
        profile(g, v.profile());
        visit(g, v.visit(), v.lastActivity(), trails);
        invites(g, v.calls().invites());
        g.writeEndObject();
    }

    /** Enrichment's fields, always present (null when unknown), so a dashboard can rely on the shape. */
    private static void profile(JsonGenerator g, Profile p) throws IOException {
        g.writeStringField("network", p == null ? null : p.network());
        if (p == null || p.asn() == null) g.writeNullField("asn");
        else g.writeNumberField("asn", p.asn());
        g.writeStringField("asOrganization", p == null ? null : p.asOrganization());
        g.writeStringField("companyDomain", p == null ? null : p.companyDomain());
        g.writeStringField("city", p == null ? null : p.city());
        g.writeStringField("region", p == null ? null : p.region());
        g.writeStringField("country", p == null ? null : p.country());
        g.writeStringField("countryCode", p == null ? null : p.countryCode());
        if (p == null || p.latitude() == null || p.longitude() == null) {
            g.writeNullField("latitude");
            g.writeNullField("longitude");
        } else {
            g.writeNumberField("latitude", p.latitude());
            g.writeNumberField("longitude", p.longitude());
        }
        g.writeStringField("device", p == null ? null : p.device());
        g.writeStringField("os", p == null ? null : p.os());
        g.writeStringField("browser", p == null ? null : p.browser());
        g.writeBooleanField("bot", p != null && p.bot());
        g.writeStringField("enrichedBy", p == null ? null : p.source());
    }

    /** The visit: where it came in, its campaign tags and (when asked for) the trail of its last pages, the current one last. */
    private static void visit(JsonGenerator g, Visit visit, long lastActivity, boolean trails) throws IOException {
        g.writeStringField("visitId", visit == null ? null : visit.visitId());
        g.writeStringField("entryUrl", visit == null ? null : visit.entryUrl());
        g.writeStringField("entryReferrer", visit == null ? null : visit.entryReferrer());
        Utm utm = visit == null ? null : visit.utm();
        if (utm == null) {
            g.writeNullField("utm");
        } else {
            g.writeObjectFieldStart("utm");
            g.writeStringField("source", utm.source());
            g.writeStringField("medium", utm.medium());
            g.writeStringField("campaign", utm.campaign());
            g.writeStringField("term", utm.term());
            g.writeStringField("content", utm.content());
            g.writeEndObject();
        }
        if (trails) trail(g, visit, lastActivity);
    }

    private static void trail(JsonGenerator g, Visit visit, long lastActivity) throws IOException {
        g.writeArrayFieldStart("trail");
        if (visit != null) {
            for (PageVisit p : visit.trail()) {
                g.writeStartObject();
                g.writeStringField("url", p.url());
                g.writeStringField("title", p.title());
                WireJson.time(g, "enteredAt", p.enteredAt());
                g.writeNumberField("seconds", p.seconds(lastActivity));
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    /** {"type": "user", "userId", "name"} or {"type": "apiKey", "name": "API key"}. */
    static void sender(JsonGenerator g, dev.tippen.visitor.Sender s) throws IOException {
        g.writeObjectFieldStart("sentBy");
        g.writeStringField("type", s.person() ? "user" : "apiKey");
        if (s.person()) g.writeStringField("userId", s.userId());
        g.writeStringField("name", s.name());
        g.writeEndObject();
    }

    private static void invites(JsonGenerator g, List<InviteRecord> invites) throws IOException {
        g.writeArrayFieldStart("invites");
        for (InviteRecord i : invites) {
            g.writeStartObject();
            g.writeStringField("inviteId", i.inviteId());
            g.writeStringField("guestUrl", i.guestUrl());
            WireJson.time(g, "sentAt", i.sentAt());
            WireJson.time(g, "expiresAt", i.expiresAt());
            g.writeStringField("outcome", i.outcome());
            WireJson.time(g, "answeredAt", i.answeredAt());
            sender(g, i.sentBy());
            if (i.tippenCall()) {
                // A call in Tippen: where it stands, for the live list and the agent's call view.
                g.writeObjectFieldStart("call");
                g.writeStringField("state", i.callState());
                WireJson.time(g, "connectedAt", i.call().connectedAt());
                WireJson.time(g, "endedAt", i.call().endedAt());
                g.writeStringField("endReason", i.call().endReason());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
