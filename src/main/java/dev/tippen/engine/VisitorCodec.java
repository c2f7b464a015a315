package dev.tippen.engine;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import dev.tippen.visitor.Browser;
import dev.tippen.visitor.Calls;
import dev.tippen.visitor.InviteRecord;
import dev.tippen.visitor.Page;
import dev.tippen.visitor.PageVisit;
import dev.tippen.visitor.Utm;
import dev.tippen.visitor.Visit;
import dev.tippen.visitor.Visitor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A visitor as both engines store it: flat JSON of the original fields (as rows written before visits
 * existed have them), plus the visit and the invites. Written and read with Jackson's streaming API:
 * no reflection, and unknown values (null) are left out, which keeps every rewrite of a row small.
 * Rows from before visits are read with a visit that starts at their first sighting.
 */
public final class VisitorCodec {
    static final JsonFactory JSON = new JsonFactory();

    private VisitorCodec() {}

    public static String write(Visitor v) {
        StringWriter out = new StringWriter(768);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A buffer per thread for {@link #utf8}: the lanes encode a visitor on every change. */
    private static final ThreadLocal<ByteArrayBuilder> BUFFERS = ThreadLocal.withInitial(() -> new ByteArrayBuilder(2048));

    /** The stored form as UTF-8, made in one pass with one copy: what SQLite keeps as it is. */
    public static byte[] utf8(Visitor v) {
        ByteArrayBuilder out = BUFFERS.get();
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(g, v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(JsonGenerator g, Visitor v) throws IOException {
        write(g, v, false);
    }

    /**
     * A {@code lean} visitor is the form kept in the outbox, for the history: who the visitor is, the
     * counters, the facts and the visit with only its current page. Its readers store each page as it
     * is viewed and read nothing else (measured: the full trail was most of what they decoded), and
     * what they do not need (the address, the browser's raw strings, the live status) stays out of
     * the outbox, a third of each notice.
     */
    public static void write(JsonGenerator g, Visitor v, boolean lean) throws IOException {
        g.writeStartObject();
        str(g, "visitorId", v.visitorId());
        if (!lean) {
            str(g, "website", v.website());
            str(g, "url", v.page().url());
            str(g, "referrer", v.page().referrer());
            str(g, "title", v.page().title());
            str(g, "userAgent", v.browser().userAgent());
            str(g, "screenResolution", v.browser().screenResolution());
            str(g, "language", v.browser().language());
            str(g, "timezone", v.browser().timezone());
            str(g, "clientTimestamp", v.clientTimestamp());
            str(g, "ip", v.ip());
        }
        g.writeNumberField("firstSeen", v.firstSeen());
        g.writeNumberField("lastActivity", v.lastActivity());
        g.writeNumberField("pageViews", v.pageViews());
        Enrichment e = v.enrichment();
        if (!lean) str(g, "status", v.status());
        if (e != null) {
            str(g, "company", e.company());
            if (!lean) {
                str(g, "location", e.location());
                str(g, "lastRole", e.role());
            }
        }
        if (!lean) {
            str(g, "guestUrl", v.calls().guestUrl());
            num(g, "videoDeclinedAt", v.calls().declinedAt());
            str(g, "lastEvent", v.lastEvent());
        }
        if (e != null && e.profile() != null) profile(g, e.profile(), lean);
        if (v.visit() != null) visit(g, v.visit(), lean);
        if (!lean && !v.calls().invites().isEmpty()) {
            g.writeArrayFieldStart("invites");
            for (InviteRecord i : v.calls().invites()) invite(g, i);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void profile(JsonGenerator g, Profile p, boolean lean) throws IOException {
        g.writeObjectFieldStart("profile");
        num(g, "asn", p.asn());
        if (!lean) str(g, "asOrganization", p.asOrganization());
        str(g, "companyDomain", p.companyDomain());
        str(g, "network", p.network());
        str(g, "city", p.city());
        str(g, "region", p.region());
        str(g, "country", p.country());
        str(g, "countryCode", p.countryCode());
        if (!lean && p.latitude() != null) g.writeNumberField("latitude", p.latitude());
        if (!lean && p.longitude() != null) g.writeNumberField("longitude", p.longitude());
        str(g, "device", p.device());
        str(g, "os", p.os());
        str(g, "browser", p.browser());
        if (p.bot()) g.writeBooleanField("bot", true);
        if (!lean) str(g, "source", p.source());
        g.writeEndObject();
    }

    private static void visit(JsonGenerator g, Visit v, boolean lean) throws IOException {
        g.writeObjectFieldStart("visit");
        str(g, "id", v.visitId());
        g.writeNumberField("startedAt", v.startedAt());
        str(g, "entryUrl", v.entryUrl());
        str(g, "entryReferrer", v.entryReferrer());
        Utm u = v.utm();
        if (u != null) {
            g.writeObjectFieldStart("utm");
            str(g, "source", u.source());
            str(g, "medium", u.medium());
            str(g, "campaign", u.campaign());
            str(g, "term", u.term());
            str(g, "content", u.content());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("trail");
        List<PageVisit> trail = lean && v.trail().size() > 1 ? v.trail().subList(v.trail().size() - 1, v.trail().size()) : v.trail();
        for (PageVisit p : trail) {
            g.writeStartObject();
            str(g, "url", p.url());
            str(g, "title", p.title());
            g.writeNumberField("enteredAt", p.enteredAt());
            if (p.hasLeft()) g.writeNumberField("leftAt", p.leftAt());
            g.writeEndObject();
        }
        g.writeEndArray();
        str(g, "pageLoadId", v.pageLoadId());
        num(g, "exitAt", v.exitAt());
        g.writeEndObject();
    }

    static void invite(JsonGenerator g, InviteRecord i) throws IOException {
        g.writeStartObject();
        str(g, "inviteId", i.inviteId());
        str(g, "guestUrl", i.guestUrl());
        g.writeNumberField("sentAt", i.sentAt());
        g.writeNumberField("expiresAt", i.expiresAt());
        str(g, "outcome", i.outcome());
        num(g, "answeredAt", i.answeredAt());
        str(g, "sentById", i.sentBy().userId());
        if (i.sentBy().person()) str(g, "sentByName", i.sentBy().name());
        if (i.call() != null) {
            g.writeObjectFieldStart("call");
            num(g, "connectedAt", i.call().connectedAt());
            num(g, "endedAt", i.call().endedAt());
            str(g, "endReason", i.call().endReason());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void str(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) g.writeStringField(field, value);
    }

    private static void num(JsonGenerator g, String field, Number value) throws IOException {
        if (value != null) g.writeNumberField(field, value.longValue());
    }

    // ---- reading ---------------------------------------------------------------------------------------

    public static Visitor read(byte[] utf8) {
        try (JsonParser p = JSON.createParser(utf8)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("a stored visitor is a JSON object");
            return read(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable visitor: " + e.getMessage(), e);
        }
    }

    public static Visitor read(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IllegalArgumentException("a stored visitor is a JSON object");
            return read(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable visitor: " + e.getMessage(), e);
        }
    }

    /** Reads one visitor object; the parser is on its START_OBJECT. */
    public static Visitor read(JsonParser p) throws IOException {
        String visitorId = null, website = null, url = null, referrer = null, title = null, userAgent = null,
                screen = null, language = null, timezone = null, clientTs = null, ip = null, status = null,
                company = null, location = null, role = null, guestUrl = null, lastEvent = null;
        long firstSeen = 0, lastActivity = 0;
        int pageViews = 0;
        Long declinedAt = null;
        Profile profile = null;
        Visit visit = null;
        List<InviteRecord> invites = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "visitorId" -> visitorId = text(p, t);
                case "website" -> website = text(p, t);
                case "url" -> url = text(p, t);
                case "referrer" -> referrer = text(p, t);
                case "title" -> title = text(p, t);
                case "userAgent" -> userAgent = text(p, t);
                case "screenResolution" -> screen = text(p, t);
                case "language" -> language = text(p, t);
                case "timezone" -> timezone = text(p, t);
                case "clientTimestamp" -> clientTs = text(p, t);
                case "ip" -> ip = text(p, t);
                case "firstSeen" -> firstSeen = p.getLongValue();
                case "lastActivity" -> lastActivity = p.getLongValue();
                case "pageViews" -> pageViews = p.getIntValue();
                case "status" -> status = text(p, t);
                case "company" -> company = text(p, t);
                case "location" -> location = text(p, t);
                case "lastRole" -> role = text(p, t);
                case "guestUrl" -> guestUrl = text(p, t);
                case "videoDeclinedAt" -> declinedAt = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                case "lastEvent" -> lastEvent = text(p, t);
                case "profile" -> profile = t == JsonToken.START_OBJECT ? readProfile(p) : null;
                case "visit" -> visit = t == JsonToken.START_OBJECT ? readVisit(p) : null;
                case "invites" -> invites = t == JsonToken.START_ARRAY ? readInvites(p) : List.of();
                default -> p.skipChildren();
            }
        }
        if (visitorId == null) throw new IllegalArgumentException("a stored visitor has no visitorId");
        Page page = new Page(url, referrer, title);
        if (visit == null) {
            visit = new Visit(legacyVisitId(visitorId, firstSeen), firstSeen, url, referrer, Utm.of(url),
                    List.of(new PageVisit(url, title, lastActivity, PageVisit.HERE)), null, null);
        }
        return new Visitor(visitorId, website, page, new Browser(userAgent, screen, language, timezone), clientTs, ip,
                firstSeen, lastActivity, pageViews, status, lastEvent, new Enrichment(company, location, role, profile),
                visit, new Calls(guestUrl, declinedAt, invites));
    }

    private static String legacyVisitId(String visitorId, long firstSeen) {
        return "vis_" + Integer.toHexString((visitorId + "|" + firstSeen).hashCode()) + Long.toHexString(firstSeen);
    }

    private static Profile readProfile(JsonParser p) throws IOException {
        Long asn = null;
        String org = null, domain = null, network = null, city = null, region = null, country = null, code = null,
                device = null, os = null, browser = null, source = null;
        Double lat = null, lon = null;
        boolean bot = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "asn" -> asn = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                case "asOrganization" -> org = text(p, t);
                case "companyDomain" -> domain = text(p, t);
                case "network" -> network = text(p, t);
                case "city" -> city = text(p, t);
                case "region" -> region = text(p, t);
                case "country" -> country = text(p, t);
                case "countryCode" -> code = text(p, t);
                case "latitude" -> lat = t == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
                case "longitude" -> lon = t == JsonToken.VALUE_NULL ? null : p.getDoubleValue();
                case "device" -> device = text(p, t);
                case "os" -> os = text(p, t);
                case "browser" -> browser = text(p, t);
                case "bot" -> bot = t == JsonToken.VALUE_TRUE;
                case "source" -> source = text(p, t);
                default -> p.skipChildren();
            }
        }
        return new Profile(asn, org, domain, network, city, region, country, code, lat, lon, device, os, browser, bot, source);
    }

    private static Visit readVisit(JsonParser p) throws IOException {
        String id = null, entryUrl = null, entryReferrer = null, pageLoadId = null;
        long startedAt = 0;
        Long exitAt = null;
        Utm utm = null;
        List<PageVisit> trail = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> id = text(p, t);
                case "startedAt" -> startedAt = p.getLongValue();
                case "entryUrl" -> entryUrl = text(p, t);
                case "entryReferrer" -> entryReferrer = text(p, t);
                case "utm" -> utm = t == JsonToken.START_OBJECT ? readUtm(p) : null;
                case "trail" -> {
                    if (t == JsonToken.START_ARRAY) while (p.nextToken() == JsonToken.START_OBJECT) trail.add(readPage(p));
                }
                case "pageLoadId" -> pageLoadId = text(p, t);
                case "exitAt" -> exitAt = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                default -> p.skipChildren();
            }
        }
        return new Visit(id, startedAt, entryUrl, entryReferrer, utm, trail, pageLoadId, exitAt);
    }

    private static Utm readUtm(JsonParser p) throws IOException {
        String source = null, medium = null, campaign = null, term = null, content = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "source" -> source = text(p, t);
                case "medium" -> medium = text(p, t);
                case "campaign" -> campaign = text(p, t);
                case "term" -> term = text(p, t);
                case "content" -> content = text(p, t);
                default -> p.skipChildren();
            }
        }
        return new Utm(source, medium, campaign, term, content);
    }

    private static PageVisit readPage(JsonParser p) throws IOException {
        String url = null, title = null;
        long enteredAt = 0;
        long leftAt = PageVisit.HERE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "url" -> url = text(p, t);
                case "title" -> title = text(p, t);
                case "enteredAt" -> enteredAt = p.getLongValue();
                case "leftAt" -> leftAt = t == JsonToken.VALUE_NULL ? PageVisit.HERE : p.getLongValue();
                default -> p.skipChildren();
            }
        }
        return new PageVisit(url, title, enteredAt, leftAt);
    }

    static List<InviteRecord> readInvites(JsonParser p) throws IOException {
        List<InviteRecord> out = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.START_OBJECT) out.add(readInvite(p));
        return out;
    }

    static InviteRecord readInvite(JsonParser p) throws IOException {
        String id = null, guestUrl = null, outcome = null, sentById = null, sentByName = null;
        long sentAt = 0, expiresAt = 0;
        Long answeredAt = null;
        dev.tippen.visitor.CallProgress call = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "call" -> call = t == JsonToken.START_OBJECT ? readCall(p) : null;
                case "inviteId" -> id = text(p, t);
                case "guestUrl" -> guestUrl = text(p, t);
                case "sentAt" -> sentAt = p.getLongValue();
                case "expiresAt" -> expiresAt = p.getLongValue();
                case "outcome" -> outcome = text(p, t);
                case "answeredAt" -> answeredAt = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                case "sentById" -> sentById = text(p, t);
                case "sentByName" -> sentByName = text(p, t);
                default -> p.skipChildren();
            }
        }
        return new InviteRecord(id, guestUrl, sentAt, expiresAt, outcome, answeredAt, dev.tippen.visitor.Sender.of(sentById, sentByName), call);
    }

    private static dev.tippen.visitor.CallProgress readCall(JsonParser p) throws IOException {
        Long connectedAt = null, endedAt = null;
        String endReason = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "connectedAt" -> connectedAt = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                case "endedAt" -> endedAt = t == JsonToken.VALUE_NULL ? null : p.getLongValue();
                case "endReason" -> endReason = text(p, t);
                default -> p.skipChildren();
            }
        }
        return new dev.tippen.visitor.CallProgress(connectedAt, endedAt, endReason);
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) return null;
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getText();
    }
}
