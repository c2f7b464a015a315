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

    static Enrichment await(io.vertx.core.Future<Enrichment> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNewUserAgentIsParsedOnceOnAWorkerThenComesFromTheCache() throws Exception {
        Enricher e = enricher(4);
        Enrichment first = await(e.now("203.0.113.1", SAFARI, "Europe/Paris", "https://shop.example/", null));
        assertThat(first.profile().browser()).isEqualTo("Safari 17");
        assertThat(first.role()).isEqualTo("Mac - Safari");
        io.vertx.core.Future<Enrichment> again = e.now("203.0.113.1", SAFARI, "Europe/Paris", "https://shop.example/", null);
        assertThat(again.isComplete()).as("a known User-Agent is answered at once").isTrue();
        assertThat(metrics.scrape()).contains("tippen_user_agents_parsed_total{outcome=\"parsed\"} 1.0");
    }

    @Test
    void whenTheParsersAreBusyTheRoughAnswerIsGivenAtOnce() throws Exception {
        Enricher e = enricher(0);
        io.vertx.core.Future<Enrichment> f = e.now("203.0.113.1", SAFARI, null, null, null);
        assertThat(f.isComplete()).isTrue();
        Enrichment rough = await(f);
        assertThat(rough.role()).isEqualTo("Mac - Safari");
        assertThat(rough.profile().browser()).as("not parsed").isNull();
        assertThat(await(e.now(null, "curl/8.5.0", null, null, null)).bot()).isTrue();
        assertThat(metrics.scrape()).contains("tippen_user_agents_parsed_total{outcome=\"rough\"} 2.0");
    }
}
