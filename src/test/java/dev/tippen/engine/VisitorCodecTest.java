package dev.tippen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.visitor.PageVisit;
import dev.tippen.visitor.Visitor;
import org.junit.jupiter.api.Test;

class VisitorCodecTest {
    private static final String STORED = """
            {"visitorId":"v_1","website":"shop.example","url":"https://shop.example/pricing","firstSeen":1000,
             "lastActivity":9000,"pageViews":2,"status":"active","lastEvent":"pageview",
             "visit":{"id":"vis_1","startedAt":1000,"entryUrl":"https://shop.example/",
              "trail":[{"url":"https://shop.example/","title":"Home","enteredAt":1000,"leftAt":4000},
                       {"url":"https://shop.example/pricing","title":"Pricing","enteredAt":4000,"leftAt":null}]}}""";

    @Test
    void aPageLeftKeepsItsTimeAndThePageTheVisitorIsOnHasNone() {
        Visitor v = VisitorCodec.read(STORED);
        PageVisit home = v.visit().trail().get(0);
        PageVisit pricing = v.visit().current();
        assertThat(home.hasLeft()).isTrue();
        assertThat(home.leftAt()).isEqualTo(4000);
        assertThat(home.seconds(v.lastActivity())).isEqualTo(3);
        assertThat(pricing.hasLeft()).isFalse();
        assertThat(pricing.seconds(v.lastActivity())).isEqualTo(5);

        String written = VisitorCodec.write(v);
        assertThat(written).containsOnlyOnce("\"leftAt\"").contains("\"leftAt\":4000");
        Visitor back = VisitorCodec.read(written);
        assertThat(back.visit().trail()).isEqualTo(v.visit().trail());
    }
}
