package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provider adapters and their guards against a local server that speaks each provider's wire format. */
class RemoteEnricherTest {
    static final String IPINFO_GOOGLE = """
            {"ip":"8.8.8.8","hostname":"dns.google","city":"Mountain View","region":"California","country":"US",
             "loc":"37.4056,-122.0775","org":"AS15169 Google LLC","postal":"94043","timezone":"America/Los_Angeles",
             "asn":{"asn":"AS15169","name":"Google LLC","domain":"google.com","route":"8.8.8.0/24","type":"hosting"},
             "company":{"name":"Google LLC","domain":"google.com","type":"hosting"}}""";

    Vertx vertx;
    HttpServer server;
    WebClient client;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile Consumer<HttpServerRequest> behaviour;
    TippenMetrics metrics;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(r -> {
            requests.add(r.method() + " " + r.uri() + " " + r.getHeader("Authorization"));
            behaviour.accept(r);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
        metrics = new TippenMetrics();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    String base() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    RemoteEnricher ipinfo(RemoteEnricher.Settings s) {
        return new RemoteEnricher(new IpinfoProvider(client, base(), "secret-token", s.timeout().toMillis()), s, metrics);
    }

    static RemoteEnricher.Settings settings(long timeoutMs, int window, long openMs) {
        return new RemoteEnricher.Settings(Duration.ofMillis(timeoutMs), 8, 1000, Duration.ofHours(1),
                Duration.ofMinutes(5), window, Duration.ofMillis(openMs));
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Throwable failure(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    static void json(HttpServerRequest r, int status, String body) {
        r.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
    }

    @Test
    void ipinfoAnswersAreReadAndCached() throws Exception {
        behaviour = r -> json(r, 200, IPINFO_GOOGLE);
        RemoteEnricher remote = ipinfo(settings(1000, 10, 1000));
        RemoteAnswer a = await(remote.lookup("8.8.8.8"));
        assertThat(a).isEqualTo(new RemoteAnswer("Google LLC", "google.com", "hosting", 15169L, "Google LLC",
                "Mountain View", "California", null, "US", 37.4056, -122.0775));
        assertThat(requests).containsExactly("GET /8.8.8.8/json Bearer secret-token");
        assertThat(await(remote.lookup("8.8.8.8"))).isEqualTo(a);
        assertThat(remote.cached("8.8.8.8")).isEqualTo(a);
        assertThat(requests).hasSize(1);

        Enrichment offline = new Enrichment("shop.example Visitor", "Europe/Berlin", "Windows - Chrome",
                new Profile(null, null, null, null, null, null, null, null, null, null, "Desktop", "Windows 10", "Chrome 131", false, "offline"));
        Enrichment over = a.over(offline, "ipinfo");
        assertThat(over.company()).isEqualTo("Google LLC");
        assertThat(over.location()).isEqualTo("Mountain View, California, United States");
        assertThat(over.profile().source()).isEqualTo("ipinfo");
        assertThat(over.profile().browser()).isEqualTo("Chrome 131");
    }

    @Test
    void bogonsAndIspsAreAnswersToo() throws Exception {
        behaviour = r -> json(r, 200, r.uri().contains("10.0.0.1") ? "{\"ip\":\"10.0.0.1\",\"bogon\":true}"
                : "{\"ip\":\"73.22.100.5\",\"city\":\"Chicago\",\"country\":\"US\",\"org\":\"AS7922 Comcast Cable Communications, LLC\","
                + "\"company\":{\"name\":\"Comcast\",\"domain\":\"comcast.com\",\"type\":\"isp\"}}");
        RemoteEnricher remote = ipinfo(settings(1000, 10, 1000));
        assertThat(await(remote.lookup("10.0.0.1"))).isEqualTo(RemoteAnswer.NONE);
        RemoteAnswer isp = await(remote.lookup("73.22.100.5"));
        assertThat(isp.network()).isEqualTo("isp");
        assertThat(isp.asn()).isEqualTo(7922L);
        Enrichment e = isp.over(new Enrichment("x", "y", "z", new Profile(null, null, null, null, null, null, null, null,
                null, null, null, null, "Chrome 1", false, "offline")), "ipinfo");
        assertThat(e.company()).as("a consumer ISP is not a company").isNull();
        assertThat(e.location()).isEqualTo("Chicago, United States");
    }

    @Test
    void oneCallPerAddressAtATime() throws Exception {
        behaviour = r -> vertx.setTimer(300, id -> json(r, 200, IPINFO_GOOGLE));
        RemoteEnricher remote = ipinfo(settings(2000, 10, 1000));
        List<Future<RemoteAnswer>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) all.add(remote.lookup("8.8.8.8"));
        for (Future<RemoteAnswer> f : all) assertThat(await(f).company()).isEqualTo("Google LLC");
        assertThat(requests).hasSize(1);
    }

    @Test
    void timeoutsRateLimitsServerErrorsAndMalformedAnswersFailWithoutBeingCached() throws Exception {
        behaviour = r -> {
            String ip = r.uri().split("/")[1];
            switch (ip) {
                case "192.0.2.1" -> { } // never answers
                case "192.0.2.2" -> json(r, 429, "{\"error\":\"rate limit\"}");
                case "192.0.2.3" -> json(r, 503, "unavailable");
                case "192.0.2.4" -> json(r, 200, "{not json");
                case "192.0.2.5" -> json(r, 200, "[1,2,3]");
                default -> json(r, 200, IPINFO_GOOGLE);
            }
        };
        RemoteEnricher remote = ipinfo(settings(300, 50, 1000));
        long t0 = System.nanoTime();
        Throwable timeout = failure(remote.lookup("192.0.2.1"));
        assertThat(timeout).isInstanceOf(ProviderException.class);
        assertThat(((ProviderException) timeout).outcome()).isEqualTo("timeout");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(250L, 3000L);
        assertThat(((ProviderException) failure(remote.lookup("192.0.2.2"))).outcome()).isEqualTo("rate_limited");
        assertThat(failure(remote.lookup("192.0.2.3"))).hasMessageContaining("503");
        assertThat(failure(remote.lookup("192.0.2.4"))).hasMessageContaining("not a JSON object");
        assertThat(failure(remote.lookup("192.0.2.5"))).hasMessageContaining("not a JSON object");
        assertThat(remote.cached("192.0.2.3")).as("failures are not cached").isNull();
        int before = requests.size();
        failure(remote.lookup("192.0.2.3"));
        assertThat(requests).as("a failed address is asked again").hasSize(before + 1);
        assertThat(metrics.scrape()).contains("tippen_enrich_remote_total{outcome=\"timeout\"} 1.0")
                .contains("tippen_enrich_remote_total{outcome=\"rate_limited\"} 1.0");
    }

    @Test
    void theCircuitOpensOnFailuresAndClosesWhenTheProviderRecovers() throws Exception {
        behaviour = r -> json(r, 500, "down");
        RemoteEnricher remote = ipinfo(settings(1000, 4, 400));
        for (int i = 0; i < 4; i++) failure(remote.lookup("192.0.2." + (10 + i)));
        assertThat(remote.circuitState()).isEqualTo("open");
        assertThat(requests).as("with a window of 4 the circuit judges after 2 calls, both failed").hasSize(2);
        int calls = requests.size();
        Throwable skipped = failure(remote.lookup("192.0.2.99"));
        assertThat(skipped).isInstanceOf(RemoteEnricher.Skipped.class).hasMessage("circuit_open");
        assertThat(requests).as("an open circuit does not call the provider").hasSize(calls);
        assertThat(metrics.scrape()).contains("tippen_enrich_remote_total{outcome=\"circuit_open\"} 3.0");

        behaviour = r -> json(r, 200, IPINFO_GOOGLE);
        // Once the circuit's open time (400 ms) is over, the next call goes through again.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        RemoteAnswer answer = null;
        while (answer == null && System.nanoTime() < deadline) {
            try {
                answer = await(remote.lookup("8.8.8.8"));
            } catch (Exception stillOpen) {
                Thread.sleep(20);
            }
        }
        assertThat(answer).as("the circuit closes after its open time").isNotNull();
        assertThat(answer.company()).isEqualTo("Google LLC");
        assertThat(remote.circuitState()).isEqualTo("closed");
    }

    @Test
    void clearbitShapeAndNotFoundIsCachedAsNothingKnown() throws Exception {
        behaviour = r -> {
            if (r.uri().contains("ip=198.51.100.1")) {
                json(r, 200, """
                        {"ip":"198.51.100.1","fuzzy":false,"domain":"segment.com","type":"company",
                         "company":{"name":"Segment","domain":"segment.com",
                           "geo":{"city":"San Francisco","state":"California","country":"United States","countryCode":"US","lat":37.79,"lng":-122.39}}}""");
            } else {
                json(r, 404, "{\"error\":{\"type\":\"unknown_record\",\"message\":\"Unknown IP\"}}");
            }
        };
        RemoteEnricher.Settings s = settings(1000, 10, 1000);
        RemoteEnricher remote = new RemoteEnricher(new ClearbitProvider(client, base(), "sk_test", 1000), s, metrics);
        RemoteAnswer a = await(remote.lookup("198.51.100.1"));
        assertThat(a.company()).isEqualTo("Segment");
        assertThat(a.domain()).isEqualTo("segment.com");
        assertThat(a.network()).isEqualTo("business");
        assertThat(a.city()).isEqualTo("San Francisco");
        assertThat(a.longitude()).isEqualTo(-122.39);
        assertThat(requests.get(0)).isEqualTo("GET /v1/domains/find?ip=198.51.100.1 Bearer sk_test");
        assertThat(await(remote.lookup("203.0.113.1"))).isEqualTo(RemoteAnswer.NONE);
        assertThat(await(remote.lookup("203.0.113.1"))).isEqualTo(RemoteAnswer.NONE);
        assertThat(requests).as("'not found' is cached").hasSize(2);
    }
}
