package dev.tippen.webhook;

import dev.tippen.history.HistoryEvent;
import dev.tippen.history.HistoryJson;
import dev.tippen.history.VisitRecord;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies of standard webhooks: {@code {"type", "timestamp", "data"}}. The data carries the visit
 * as the history API returns it, and a link to the visitor in the console when the server knows
 * its public URL.
 */
final class Payloads {
    /** One notification: its type, the visitor it is about (for erasure), and its body. */
    record Message(String type, String visitorId, VisitRecord visit, JsonObject body) {}

    private final String publicUrl;

    Payloads(String publicUrl) {
        this.publicUrl = publicUrl == null ? null : publicUrl.replaceAll("/+$", "");
    }

    /** What a history event is worth telling, in the order told: most give one message, a returning visitor two. */
    List<Message> of(HistoryEvent e) {
        List<Message> out = new ArrayList<>(2);
        if (e instanceof HistoryEvent.VisitStarted s) {
            out.add(message(EventTypes.VISITOR_ARRIVED, s, s.visit(), new JsonObject()));
            if (s.visit().visitNumber() > 1) out.add(message(EventTypes.VISITOR_RETURNED, s, s.visit(), new JsonObject()));
        } else if (e instanceof HistoryEvent.CompanyArrived c) {
            var f = c.visit().facts();
            out.add(message(EventTypes.COMPANY_ARRIVED, c, c.visit(), new JsonObject().put("company",
                    new JsonObject().put("name", f.company()).put("domain", f.companyDomain()).put("network", f.network()))));
        } else if (e instanceof HistoryEvent.InviteChanged i) {
            out.add(message(EventTypes.invite(i.invite().outcome()), i, i.visit(),
                    new JsonObject().put("invite", HistoryJson.invite(i.invite()))));
        } else if (e instanceof HistoryEvent.CallChanged c) {
            out.add(message(c.call().endedAt() == null ? EventTypes.CALL_STARTED : EventTypes.CALL_ENDED, c, c.visit(),
                    new JsonObject().put("call", HistoryJson.call(c.call(), c.visit().visitorId(), c.visit().visitId()))));
        } else if (e instanceof HistoryEvent.VisitEnded v) {
            out.add(message(EventTypes.VISIT_ENDED, v, v.visit(), new JsonObject()));
        }
        return out;
    }

    private Message message(String type, HistoryEvent e, VisitRecord visit, JsonObject data) {
        data.put("visit", HistoryJson.visit(visit));
        String link = consoleLink(visit.visitorId());
        if (link != null) data.put("consoleUrl", link);
        return new Message(type, visit.visitorId(), visit, envelope(type, e.at(), data));
    }

    static JsonObject envelope(String type, long at, JsonObject data) {
        return new JsonObject().put("type", type).put("timestamp", HistoryJson.iso(at)).put("data", data);
    }

    /** The console page of this visitor, or null without {@code --public-url}. */
    String consoleLink(String visitorId) {
        if (publicUrl == null || visitorId == null) return null;
        return publicUrl + "/console?visitor=" + URLEncoder.encode(visitorId, StandardCharsets.UTF_8);
    }
}
