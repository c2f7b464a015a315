package dev.tippen.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tippen.site.KeyStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * /openapi.json is the whole API: it is a valid OpenAPI 3.1 document (checked against the
 * specification's schema as Vert.x bundles it, and by a JSON Schema 2020-12 validator for each answer), it names every route the server answers and no route
 * it does not, and the answers it describes are the ones the server gives.
 */
class OpenApiTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentIsValidOpenApi31() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonObject doc = new JsonObject(server.get("/openapi.json").body());
            // A relative server URL is valid OpenAPI (the API is wherever the document was served
            // from), but Vert.x's reader resolves it: give it the address the test reached.
            doc.put("servers", new io.vertx.core.json.JsonArray().add(new JsonObject().put("url", server.base + "/")));
            Vertx vertx = Vertx.vertx();
            try {
                // The specification's own schema, as Vert.x's contract reader bundles it; the reader
                // itself also rejects what its router does not serve (CSV, HTML), which is no fault of the document.
                OpenAPIVersion version = OpenAPIVersion.fromContract(doc);
                assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
                OutputUnit result = version.getRepository(vertx, server.base + "/")
                        .compose(repo -> version.validateContract(vertx, repo, doc))
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertThat(result.getValid()).as("%s", result.getErrors()).isTrue();
                // And it is the document a strict reader resolves: every $ref points somewhere.
                version.getRepository(vertx, server.base + "/").compose(repo -> version.resolve(vertx, repo, doc))
                        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyRouteIsDescribedAndNothingElse() throws Exception {
        try (TestServer server = TestServer.start()) {
            JsonNode paths = JSON.readTree(server.get("/openapi.json").body()).get("paths");
            List<String> served = new ArrayList<>();
            for (String route : server.app.routes()) {
                String[] mp = route.split(" ", 2);
                // Preflights answer every path; the console's files are named under /console.
                if (mp[0].equals("OPTIONS") || mp[1].endsWith("*")) continue;
                served.add(mp[0].toLowerCase(Locale.ROOT) + " " + mp[1].replaceAll(":(\\w+)", "{$1}"));
            }
            List<String> described = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : paths.properties()) {
                for (Map.Entry<String, JsonNode> op : p.getValue().properties()) {
                    if (!op.getKey().equals("parameters")) described.add(op.getKey() + " " + p.getKey());
                }
            }
            assertThat(described).containsExactlyInAnyOrderElementsOf(served);
        }
    }

    @Test
    void theAnswersAreTheOnesDescribed() throws Exception {
        try (TestServer server = TestServer.start()) {
            KeyStore.CreatedSite site = server.createSite("Described");
            JsonNode doc = JSON.readTree(server.get("/openapi.json").body());
            String body = TestServer.trackBody("pageview", "d1");
            HistoryApiTest.check(JSON, doc, "/track/visitor", "post", 200, server.post("/track/visitor", body,
                    "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()));
            HistoryApiTest.check(JSON, doc, "/track/visitor", "post", 200, server.post("/track/visitor?apiKey=" + site.publicKey(), body,
                    "Content-Type", "text/plain;charset=UTF-8"));
            HistoryApiTest.check(JSON, doc, "/track/visitor", "post", 400, server.post("/track/visitor", "{\"event\":",
                    "Content-Type", "application/json", "X-Tippen-API-Key", site.publicKey()));
            HistoryApiTest.check(JSON, doc, "/track/visitor", "post", 401, server.post("/track/visitor", body, "Content-Type", "application/json"));
            HistoryApiTest.check(JSON, doc, "/track/visitor", "post", 415, server.post("/track/visitor", body,
                    "Content-Type", "application/xml", "X-Tippen-API-Key", site.publicKey()));
            HistoryApiTest.check(JSON, doc, "/api/send-video-invite", "post", 200, server.invite(site.secretKey(), "d1", "https://meet.example.com/d1"));
            HistoryApiTest.check(JSON, doc, "/api/send-video-invite", "post", 404, server.invite(site.secretKey(), "nobody", "https://meet.example.com/n"));
            HistoryApiTest.check(JSON, doc, "/api/send-video-invite", "post", 403, server.invite(site.publicKey(), "d1", "https://meet.example.com/d1"));
            HistoryApiTest.check(JSON, doc, "/console/session", "get", 401, server.get("/console/session"));
            HistoryApiTest.check(JSON, doc, "/healthz", "get", 200, server.get("/healthz"));
            HistoryApiTest.check(JSON, doc, "/readyz", "get", 200, server.get("/readyz"));
            assertThat(server.refusedUpgrade("/ws/visitor?apiKey=" + site.publicKey())).isEqualTo(400);
        }
    }
}
