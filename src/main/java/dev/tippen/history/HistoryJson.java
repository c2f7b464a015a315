package dev.tippen.history;

import dev.tippen.visitor.Utm;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The history API's JSON: times as ISO-8601 instants (UTC), the visitor's facts flat on each visit. */
public final class HistoryJson {
    private HistoryJson() {}

    public static JsonObject visit(VisitRecord v) {
        JsonObject o = new JsonObject()
                .put("visitId", v.visitId())
                .put("visitorId", v.visitorId())
                .put("visitNumber", v.visitNumber())
                .put("startedAt", iso(v.startedAt()))
                .put("endedAt", v.endedAt() == null ? null : iso(v.endedAt()))
                .put("endReason", v.endReason())
                .put("durationSeconds", v.durationSeconds())
                .put("pageViews", v.pageViews())
                .put("entryPage", v.entryPage())
                .put("exitPage", v.exitPage())
                .put("referrer", v.referrer())
                .put("source", v.source())
                .put("utm", utm(v.utm()));
        facts(o, v.facts());
        JsonArray pages = new JsonArray();
        for (PageRecord p : v.pages()) {
            pages.add(new JsonObject().put("url", p.url()).put("title", p.title()).put("enteredAt", iso(p.enteredAt()))
                    .put("seconds", p.seconds()));
        }
        JsonArray invites = new JsonArray();
        JsonArray calls = new JsonArray();
        for (InviteEntry i : v.invites()) {
            invites.add(invite(i));
            if (i.call()) calls.add(call(i, v.visitorId(), v.visitId()));
        }
        return o.put("pages", pages).put("invites", invites).put("calls", calls);
    }

    public static JsonObject invite(InviteEntry i) {
        JsonObject o = new JsonObject().put("inviteId", i.inviteId()).put("sentAt", iso(i.sentAt())).put("guestUrl", i.guestUrl())
                .put("outcome", i.outcome()).put("answeredAt", i.answeredAt() == null ? null : iso(i.answeredAt()))
                .put("sentBy", sender(i));
        if (i.call()) o.put("callId", i.inviteId());
        return o;
    }

    private static JsonObject sender(InviteEntry i) {
        return i.sentById() == null ? new JsonObject().put("type", "apiKey").put("name", "API key")
                : new JsonObject().put("type", "user").put("userId", i.sentById()).put("name", i.sentByName());
    }

    /** A call's record, as GET /api/calls, a visit's {@code calls} and the call.* webhooks give it. */
    public static JsonObject call(InviteEntry i, String visitorId, String visitId) {
        Long ended = i.callEndedAt();
        Long connected = i.connectedAt();
        JsonObject o = new JsonObject().put("callId", i.inviteId()).put("visitorId", visitorId).put("visitId", visitId)
                .put("agent", sender(i)).put("invitedAt", iso(i.sentAt()))
                .put("connectedAt", connected == null ? null : iso(connected))
                .put("endedAt", ended == null ? null : iso(ended))
                .put("durationSeconds", connected == null || ended == null ? null : Math.max(0, (ended - connected) / 1000))
                .put("secondsToConnect", connected == null ? null : Math.max(0, (connected - i.sentAt()) / 1000))
                .put("endReason", i.callEndReason());
        InviteEntry.Feedback f = i.feedback();
        o.put("feedback", f == null ? null : new JsonObject().put("leadQuality", f.leadQuality()).put("rating", f.rating())
                .put("notes", f.notes()).put("by", f.byId()).put("at", iso(f.at())));
        return o;
    }

    static void facts(JsonObject o, Facts f) {
        o.put("company", f.company()).put("companyDomain", f.companyDomain()).put("network", f.network()).put("asn", f.asn())
                .put("country", f.country()).put("countryName", f.countryName()).put("region", f.region()).put("city", f.city())
                .put("device", f.device()).put("os", f.os()).put("browser", f.browser()).put("bot", f.bot());
    }

    private static JsonObject utm(Utm u) {
        if (u == null) return null;
        return new JsonObject().put("source", u.source()).put("medium", u.medium()).put("campaign", u.campaign())
                .put("term", u.term()).put("content", u.content());
    }

    static JsonObject row(ReportRow r, String dimension) {
        JsonObject o = new JsonObject().put("key", r.key()).put("visits", r.visits()).put("visitors", r.visitors())
                .put("pageViews", r.pageViews()).put("totalSeconds", r.totalSeconds()).put("lastSeen", iso(r.lastSeen()))
                .put("daysActive", r.daysActive()).put("invites", r.invites());
        if (dimension.equals(Rollup.COMPANIES)) {
            JsonArray spark = new JsonArray();
            for (long n : r.sparkline()) spark.add(n);
            o.put("domain", r.domain()).put("network", r.network()).put("invitesAccepted", r.accepted())
                    .put("invitesDeclined", r.declined()).put("score", r.score()).put("sparkline", spark);
        }
        return o;
    }

    public static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
