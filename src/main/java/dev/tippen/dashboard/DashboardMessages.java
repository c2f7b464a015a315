package dev.tippen.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.tippen.enrich.Profile;
import dev.tippen.fanout.WireJson;
import dev.tippen.visitor.Visitor;
import java.io.IOException;
import java.util.Collection;

/** The messages a dashboard socket receives, as documented in docs/protocol.md. */
public final class DashboardMessages {
    private DashboardMessages() {}

    public static String initialVisitors(Collection<Visitor> visitors) {
        return list("INITIAL_VISITORS", visitors);
    }

    public static String visitorList(Collection<Visitor> visitors) {
        return list("VISITOR_LIST", visitors);
    }

    public static String visitorUpdate(Visitor v, String event) {
        return WireJson.object(g -> {
            g.writeStringField("type", "VISITOR_UPDATE");
            g.writeFieldName("visitor");
            visitor(g, v);
            g.writeStringField("event", event);
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

    public static String pong(long now) {
        return WireJson.object(g -> {
            g.writeStringField("type", "PONG");
            g.writeNumberField("timestamp", now);
        });
    }

    public static String error(String message) {
        return WireJson.object(g -> {
            g.writeStringField("type", "ERROR");
            g.writeStringField("error", message);
        });
    }

    private static String list(String type, Collection<Visitor> visitors) {
        return WireJson.object(g -> {
            g.writeStringField("type", type);
            g.writeArrayFieldStart("visitors");
            for (Visitor v : visitors) visitor(g, v);
            g.writeEndArray();
        });
    }

    static void visitor(JsonGenerator g, Visitor v) throws IOException {
        g.writeStartObject();
        g.writeStringField("visitorId", v.visitorId());
        g.writeStringField("website", v.website());
        g.writeStringField("url", v.url());
        g.writeStringField("referrer", v.referrer());
        g.writeStringField("title", v.title());
        g.writeStringField("userAgent", v.userAgent());
        g.writeStringField("screenResolution", v.screenResolution());
        g.writeStringField("language", v.language());
        g.writeStringField("timezone", v.timezone());
        g.writeStringField("timestamp", v.clientTimestamp());
        g.writeStringField("ip", v.ip());
        WireJson.time(g, "firstSeen", v.firstSeen());
        WireJson.time(g, "lastActivity", v.lastActivity());
        g.writeNumberField("pageViews", v.pageViews());
        g.writeStringField("status", v.status());
        g.writeStringField("company", v.company());
        g.writeStringField("location", v.location());
        g.writeStringField("lastRole", v.lastRole());
        g.writeStringField("guestUrl", v.guestUrl());
        WireJson.time(g, "videoDeclinedAt", v.videoDeclinedAt());
        g.writeStringField("lastEvent", v.lastEvent());
        profile(g, v.profile());
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
}
