package dev.tippen.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.metrics.TippenMetrics;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** New User-Agents are parsed off the caller's thread, and only as many at once as allowed. */
class EnricherTest {
    static final String SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    final Vertx vertx = Vertx.vertx();
    final TippenMetrics metrics = new TippenMetrics();

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    Enricher enricher(int maxParsing) {
        OfflineEnricher offline = new OfflineEnricher(IpDataLoader.load(IpDataFiles.none()), new UserAgents(100), NetworkKinds.standard());
        return new Enricher(offline, null, false, vertx.createSharedWorkerExecutor("test-ua", 1), maxParsing, metrics);
    }

    static Device await(io.vertx.core.Future<Device> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNewUserAgentIsParsedOnceOnAWorkerThenComesFromTheCache() throws Exception {
        Enricher e = enricher(4);
        Device first = await(e.device(SAFARI));
        assertThat(first.browser()).isEqualTo("Safari 17");
        Enrichment found = e.lookup("203.0.113.1", first, "Europe/Paris", "https://shop.example/", null);
        assertThat(found.role()).isEqualTo("Mac - Safari");
        assertThat(found.profile().browser()).isEqualTo("Safari 17");
        io.vertx.core.Future<Device> again = e.device(SAFARI);
        assertThat(again.isComplete()).as("a known User-Agent is answered at once").isTrue();
        assertThat(metrics.scrape()).contains("tippen_user_agents_parsed_total{outcome=\"parsed\"} 1.0");
    }

    @Test
    void whenTheParsersAreBusyTheRoughAnswerIsGivenAtOnce() throws Exception {
        Enricher e = enricher(0);
        io.vertx.core.Future<Device> f = e.device(SAFARI);
        assertThat(f.isComplete()).isTrue();
        Device rough = await(f);
        assertThat(rough.role()).isEqualTo("Mac - Safari");
        assertThat(rough.browser()).as("not parsed").isNull();
        assertThat(await(e.device("curl/8.5.0")).bot()).isTrue();
        assertThat(metrics.scrape()).contains("tippen_user_agents_parsed_total{outcome=\"rough\"} 2.0");
    }
}
