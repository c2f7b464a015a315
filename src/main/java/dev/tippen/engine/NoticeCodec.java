package dev.tippen.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Notice;
import dev.tippen.visitor.Removal;
import dev.tippen.visitor.Visitor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Notices as they travel between nodes and wait in an outbox: a JSON array of tagged objects, the
 * visitors in their stored form (lean in an outbox). Both engines read and write this one form.
 */
public final class NoticeCodec {
    private NoticeCodec() {}

    public static String write(List<? extends Notice> notices) {
        return write(notices, false);
    }

    /** Recorded notices as the outbox keeps them: each visitor lean, with what the history reads ({@link VisitorCodec#write(JsonGenerator, Visitor, boolean)}). */
    public static String writeRecorded(List<Notice.Recorded> notices) {
        return write(notices, true);
    }

    private static String write(List<? extends Notice> notices, boolean lean) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator g = VisitorCodec.JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Notice n : notices) write(g, n, lean);
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Notice n, boolean lean) throws IOException {
        g.writeStartObject();
        if (n instanceof Notice.VisitorChanged c) {
            g.writeStringField("t", "changed");
            visitor(g, c.visitor(), lean);
            g.writeStringField("event", c.event());
        } else if (n instanceof Notice.VisitorsRemoved r) {
            g.writeStringField("t", "removed");
            g.writeArrayFieldStart("ids");
            for (String id : r.visitorIds()) g.writeString(id);
            g.writeEndArray();
            g.writeStringField("reason", r.reason().name());
        } else if (n instanceof Notice.ListRefreshed l) {
            g.writeStringField("t", "list");
            g.writeArrayFieldStart("visitors");
            for (Visitor v : l.visitors()) VisitorCodec.write(g, v);
            g.writeEndArray();
            g.writeNumberField("hiddenBots", l.hiddenBots());
        } else if (n instanceof Notice.PageViewed p) {
            g.writeStringField("t", "page");
            visitor(g, p.visitor(), lean);
        } else if (n instanceof Notice.VisitEnded e) {
            g.writeStringField("t", "ended");
            visitor(g, e.visitor(), lean);
            g.writeNumberField("at", e.endedAt());
            g.writeStringField("reason", e.reason().name());
        } else if (n instanceof Notice.InviteSent s) {
            invite(g, "inviteSent", s.visitor(), s.invite(), lean);
        } else if (n instanceof Notice.InviteAnswered a) {
            invite(g, "inviteAnswered", a.visitor(), a.invite(), lean);
        } else if (n instanceof Notice.InviteLapsed l) {
            invite(g, "inviteLapsed", l.visitor(), l.invite(), lean);
        } else if (n instanceof Notice.CallProgressed c) {
            invite(g, "callProgressed", c.visitor(), c.invite(), lean);
        } else if (n instanceof Notice.FactsChanged f) {
            g.writeStringField("t", "facts");
            visitor(g, f.visitor(), lean);
        } else if (n instanceof Notice.VisitorErased e) {
            g.writeStringField("t", "erased");
            g.writeStringField("id", e.visitorId());
            if (e.receipt() != null) g.writeStringField("receipt", e.receipt());
        }
        g.writeEndObject();
    }

    private static void invite(JsonGenerator g, String tag, Visitor v, InviteRecord invite, boolean lean) throws IOException {
        g.writeStringField("t", tag);
        visitor(g, v, lean);
        g.writeFieldName("invite");
        VisitorCodec.invite(g, invite);
    }

    private static void visitor(JsonGenerator g, Visitor v, boolean lean) throws IOException {
        g.writeFieldName("visitor");
        VisitorCodec.write(g, v, lean);
    }

    public static List<Notice> read(String json) {
        try (JsonParser p = VisitorCodec.JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IllegalArgumentException("notices are a JSON array");
            List<Notice> out = new ArrayList<>(2);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Notice n = readOne(p);
                if (n != null) out.add(n);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable notices: " + e.getMessage(), e);
        }
    }

    /** One tagged object; unknown tags (from a newer node) are skipped. */
    private static Notice readOne(JsonParser p) throws IOException {
        String tag = null, event = null, reason = null, id = null, receipt = null;
        Visitor visitor = null;
        InviteRecord invite = null;
        List<String> ids = List.of();
        List<Visitor> visitors = List.of();
        long at = 0;
        int hiddenBots = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "t" -> tag = p.getText();
                case "visitor" -> visitor = VisitorCodec.read(p);
                case "event" -> event = p.getText();
                case "reason" -> reason = p.getText();
                case "id" -> id = p.getText();
                case "receipt" -> receipt = p.getText();
                case "at" -> at = p.getLongValue();
                case "hiddenBots" -> hiddenBots = p.getIntValue();
                case "invite" -> invite = VisitorCodec.readInvite(p);
                case "ids" -> {
                    List<String> list = new ArrayList<>();
                    while (p.nextToken() == JsonToken.VALUE_STRING) list.add(p.getText());
                    ids = list;
                }
                case "visitors" -> {
                    List<Visitor> list = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) list.add(VisitorCodec.read(p));
                    visitors = list;
                }
                default -> p.skipChildren();
            }
        }
        if (tag == null) return null;
        return switch (tag) {
            case "changed" -> new Notice.VisitorChanged(visitor, event);
            case "removed" -> new Notice.VisitorsRemoved(ids, removal(reason));
            case "list" -> new Notice.ListRefreshed(visitors, hiddenBots);
            case "page" -> new Notice.PageViewed(visitor);
            case "ended" -> new Notice.VisitEnded(visitor, at, removal(reason));
            case "inviteSent" -> new Notice.InviteSent(visitor, invite);
            case "inviteAnswered" -> new Notice.InviteAnswered(visitor, invite);
            case "inviteLapsed" -> new Notice.InviteLapsed(visitor, invite);
            case "callProgressed" -> new Notice.CallProgressed(visitor, invite);
            case "facts" -> new Notice.FactsChanged(visitor);
            case "erased" -> new Notice.VisitorErased(id, receipt);
            default -> null;
        };
    }

    private static Removal removal(String name) {
        return Removal.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
