package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tippen.site.KeyStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The history API over HTTP against a real server: visits as tracked, keys, bad parameters, CSV, erasure, the OpenAPI document. */
class HistoryApiTest {

    static TestServer.Response api(TestServer server, String secret, String path) {
        return server.request("GET", path, null, "Authorization", "Bearer " + secret);
    }

    static JsonArray visitsOf(TestServer server, String secret, String visitorId) {
        return api(server, secret, "/api/visits?visitorId=" + visitorId).json().getJsonArray("visits");
    }

    static void pageview(TestServer server, String publicKey, String visitorId, String url) {
        assertThat(server.post("/track/visitor", TestServer.trackBody("pageview", visitorId, url), "Content-Type", "application/json",
                "X-Tippen-API-Key", publicKey).status()).isEqualTo(200);
    }

    @Test
    void trackedPageViewsBecomeAVisitThatTheSecretKeyCanRead() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("History");
            pageview(server, site.publicKey(), "h1", "https://example.com/?utm_source=linkedin&utm_campaign=q4");
            pageview(server, site.publicKey(), "h1", "https://example.com/pricing");
            pageview(server, site.publicKey(), "h1", "https://example.com/contact");
            TestServer.eventually("the visit is in the history", Duration.ofSeconds(10), () -> {
                JsonArray v = visitsOf(server, site.secretKey(), "h1");
                return v.size() == 1 && v.getJsonObject(0).getJsonArray("pages").size() == 3;
            });
            JsonObject visit = visitsOf(server, site.secretKey(), "h1").getJsonObject(0);
            assertThat(visit.getInteger("visitNumber")).isEqualTo(1);
            assertThat(visit.getInteger("pageViews")).isEqualTo(3);
            assertThat(visit.getString("source")).isEqualTo("linkedin");
            assertThat(visit.getJsonObject("utm").getString("campaign")).isEqualTo("q4");
            assertThat(visit.getValue("endedAt")).isNull();
            assertThat(visit.getJsonArray("pages").getJsonObject(1).getString("url")).isEqualTo("https://example.com/pricing");

            JsonObject profile = api(server, site.secretKey(), "/api/visitors/h1").json();
            assertThat(profile.getJsonObject("totals").getInteger("pageViews")).isEqualTo(3);
            JsonArray pages = api(server, site.secretKey(), "/api/reports/pages").json().getJsonArray("rows");
            assertThat(pages.stream().map(r -> ((JsonObject) r).getString("key")).toList())
                    .contains("https://example.com/", "https://example.com/pricing", "https://example.com/contact");
            JsonArray sources = api(server, site.secretKey(), "/api/reports/sources").json().getJsonArray("rows");
            assertThat(sources.getJsonObject(0).getString("key")).isEqualTo("linkedin");

            // Another site's key sees none of it.
            KeyStore.CreatedSite other = server.createSite("Other");
            assertThat(visitsOf(server, other.secretKey(), "h1")).isEmpty();
        }
    }

    @Test
    void publicKeysAndBadParametersAreRefusedWithAClearError() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Refusals");
            assertThat(api(server, site.publicKey(), "/api/visits").status()).isEqualTo(403);
            assertThat(api(server, site.publicKey(), "/api/visits").error()).contains("public key");
            assertThat(server.get("/api/visits").status()).isEqualTo(401);
            assertThat(api(server, "sk_nonsense", "/api/reports/companies").status()).isEqualTo(401);
            Map<String, String> bad = Map.of(
                    "/api/visits?from=yesterday", "'from'",
                    "/api/visits?to=2026-13-40", "'to'",
                    "/api/visits?from=2020-01-01&to=2026-01-01", "400 days",
                    "/api/visits?limit=0", "'limit'",
                    "/api/visits?cursor=abc", "'cursor'",
                    "/api/visits?network=moon", "'network'",
                    "/api/visits?visitorId=%3Cscript%3E", "'visitorId'",
                    "/api/visits?colour=red", "'colour'",
                    "/api/reports/companies?sort=mood", "'sort'",
                    "/api/visits?format=xml", "'format'");
            bad.forEach((path, named) -> {
                TestServer.Response r = api(server, site.secretKey(), path);
                assertThat(r.status()).as(path).isEqualTo(400);
                assertThat(r.error()).as(path).contains(named);
            });
            assertThat(api(server, site.secretKey(), "/api/reports/weather").status()).isEqualTo(404);
            assertThat(api(server, site.secretKey(), "/api/visitors/nobody").status()).isEqualTo(404);
            assertThat(server.request("DELETE", "/api/visitors/nobody", null, "Authorization", "Bearer " + site.publicKey()).status())
                    .isEqualTo(403);
        }
    }

    @Test
    void csvParsesBackToTheSameVisitsAndReports() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Csv");
            for (int i = 0; i < 12; i++) pageview(server, site.publicKey(), "c" + i, "https://example.com/a,\"quoted\"?i=" + i);
            TestServer.eventually("12 visits recorded", Duration.ofSeconds(10),
                    () -> api(server, site.secretKey(), "/api/visits").json().getJsonArray("visits").size() == 12);
            JsonArray json = api(server, site.secretKey(), "/api/visits").json().getJsonArray("visits");
            TestServer.Response csv = server.request("GET", "/api/visits", null, "Authorization", "Bearer " + site.secretKey(), "Accept", "text/csv");
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            List<Map<String, String>> rows = parse(csv.body());
            assertThat(rows).hasSize(12);
            for (int i = 0; i < 12; i++) {
                assertThat(rows.get(i).get("visitId")).isEqualTo(json.getJsonObject(i).getString("visitId"));
                assertThat(rows.get(i).get("entryPage")).isEqualTo(json.getJsonObject(i).getString("entryPage"));
                assertThat(rows.get(i).get("pageViews")).isEqualTo("1");
            }
            List<Map<String, String>> report = parse(api(server, site.secretKey(), "/api/reports/countries?format=csv").body());
            JsonArray reportJson = api(server, site.secretKey(), "/api/reports/countries").json().getJsonArray("rows");
            assertThat(report).hasSize(reportJson.size());
            assertThat(report.get(0).get("visits")).isEqualTo(Long.toString(reportJson.getJsonObject(0).getLong("visits")));
        }
    }

    @Test
    void deletingAVisitorErasesItEverywhere() {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Erase");
            pageview(server, site.publicKey(), "gone", "https://example.com/");
            pageview(server, site.publicKey(), "stays", "https://example.com/");
            TestServer.eventually("both recorded", Duration.ofSeconds(10), () -> visitsOf(server, site.secretKey(), "gone").size() == 1
                    && visitsOf(server, site.secretKey(), "stays").size() == 1);
            assertThat(server.invite(site.secretKey(), "gone", "https://meet.example.com/x").status()).isEqualTo(200);
            // A page the history may not have taken yet when the erasure comes.
            pageview(server, site.publicKey(), "gone", "https://example.com/pricing");
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                dash.next("INITIAL_VISITORS");
                assertThat(server.request("DELETE", "/api/visitors/gone", null, "Authorization", "Bearer " + site.secretKey()).status())
                        .isEqualTo(204);
                JsonObject removed = dash.next("VISITOR_REMOVED");
                assertThat(removed.getJsonArray("visitorIds").getList()).containsExactly("gone");
                assertThat(removed.getString("reason")).isEqualTo("erased");
            }
            // Answered once applied everywhere: the history no longer has it when DELETE answers.
            assertThat(visitsOf(server, site.secretKey(), "gone")).isEmpty();
            assertThat(api(server, site.secretKey(), "/api/visitors/gone").status()).isEqualTo(404);
            assertThat(visitsOf(server, site.secretKey(), "stays")).hasSize(1);
            try (TestServer.Socket dash = server.dashboard(site.secretKey())) {
                assertThat(TestServer.ids(dash.next("INITIAL_VISITORS"))).containsExactly("stays");
            }
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheRealAnswers() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("OpenApi");
            pageview(server, site.publicKey(), "o1", "https://example.com/");
            assertThat(server.invite(site.secretKey(), "o1", "https://meet.example.com/o1").status()).isEqualTo(200);
            TestServer.eventually("recorded", Duration.ofSeconds(10), () -> visitsOf(server, site.secretKey(), "o1").size() == 1);
            ObjectMapper m = new ObjectMapper();
            JsonNode doc = m.readTree(server.get("/openapi.json").body());
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            String secret = site.secretKey();
            check(m, doc, "/api/visits", "get", 200, api(server, secret, "/api/visits"));
            check(m, doc, "/api/visits", "get", 400, api(server, secret, "/api/visits?limit=x"));
            check(m, doc, "/api/visits", "get", 401, server.get("/api/visits"));
            check(m, doc, "/api/visits", "get", 403, api(server, site.publicKey(), "/api/visits"));
            check(m, doc, "/api/visitors/{visitorId}", "get", 200, api(server, secret, "/api/visitors/o1"));
            check(m, doc, "/api/visitors/{visitorId}", "get", 404, api(server, secret, "/api/visitors/none"));
            for (String dim : List.of("companies", "pages", "sources", "countries", "devices", "invites")) {
                check(m, doc, "/api/reports/{dimension}", "get", 200, api(server, secret, "/api/reports/" + dim));
            }
            check(m, doc, "/api/reports/{dimension}", "get", 404, api(server, secret, "/api/reports/none"));
            // Every route the server answers is in the document.
            assertThat(doc.get("paths").properties().stream().map(Map.Entry::getKey).toList())
                    .containsAll(List.of("/api/visits", "/api/visitors/{visitorId}", "/api/reports/{dimension}"));
        }
    }

    /** Validates the answer against the schema the document gives that route and status. */
    static void check(ObjectMapper m, JsonNode doc, String path, String method, int status, TestServer.Response r) throws Exception {
        assertThat(r.status()).as(method + " " + path).isEqualTo(status);
        JsonNode response = doc.at("/paths/" + path.replace("/", "~1") + "/" + method + "/responses/" + status);
        assertThat(response.isMissingNode()).as("documented: %s %s %d", method, path, status).isFalse();
        if (response.has("$ref")) response = doc.at(response.get("$ref").asText().substring(1));
        JsonNode schemaNode = response.at("/content/application~1json/schema");
        ObjectNode schema = m.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.set("$defs", m.readTree(doc.at("/components/schemas").toString().replace("#/components/schemas/", "#/$defs/")));
        schema.setAll((ObjectNode) m.readTree(schemaNode.toString().replace("#/components/schemas/", "#/$defs/")));
        JsonSchema s = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
        Set<ValidationMessage> errors = s.validate(m.readTree(r.body()));
        assertThat(errors).as("%s %s %d: %s", method, path, status, r.body()).isEmpty();
    }

    static List<Map<String, String>> parse(String csv) throws Exception {
        CsvMapper mapper = new CsvMapper();
        List<Map<String, String>> out = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class).with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            while (it.hasNext()) out.add(it.next());
        }
        return out;
    }
}
