package dev.tippen.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.visitor.Notice;
import dev.tippen.visitor.Visitor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticeCodecTest {
    private static final String STORED = """
            {"visitorId":"v_1","website":"shop.example","url":"https://shop.example/pricing","referrer":"https://www.google.com/",
             "title":"Pricing","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0","timezone":"Europe/Berlin",
             "clientTimestamp":"2026-11-24T10:00:00Z","ip":"81.2.69.77","firstSeen":1000,"lastActivity":5000,"pageViews":2,
             "status":"active","company":"Acme Widgets GmbH","location":"Berlin, DE","lastRole":"Linux - Chrome","lastEvent":"pageview",
             "profile":{"asn":64500,"asOrganization":"Acme AS","companyDomain":"acme.example","network":"business","city":"Berlin",
              "region":"Berlin","country":"Germany","countryCode":"DE","latitude":52.5,"longitude":13.4,"device":"Desktop","os":"Linux",
              "browser":"Chrome 126","source":"offline"},
             "visit":{"id":"vis_1","startedAt":1000,"entryUrl":"https://shop.example/?utm_source=ads","entryReferrer":"https://www.google.com/",
              "utm":{"source":"ads"},
              "trail":[{"url":"https://shop.example/?utm_source=ads","title":"Home","enteredAt":1000},
                       {"url":"https://shop.example/pricing","title":"Pricing","enteredAt":5000}]}}""";

    @Test
    void theOutboxFormKeepsWhatTheHistoryReadsAndLeavesTheAddressAndBrowserOut() {
        Visitor v = VisitorCodec.read(STORED.getBytes(StandardCharsets.UTF_8));
        String lean = NoticeCodec.writeRecorded(List.of(new Notice.PageViewed(v)));
        assertThat(lean).doesNotContain("81.2.69.77", "Mozilla", "Europe/Berlin", "Acme AS", "52.5");
        Visitor back = ((Notice.PageViewed) NoticeCodec.read(lean).get(0)).visitor();
        assertThat(back.visitorId()).isEqualTo("v_1");
        assertThat(back.pageViews()).isEqualTo(2);
        assertThat(back.enrichment().company()).isEqualTo("Acme Widgets GmbH");
        assertThat(back.profile().network()).isEqualTo("business");
        assertThat(back.profile().companyDomain()).isEqualTo("acme.example");
        assertThat(back.profile().countryCode()).isEqualTo("DE");
        assertThat(back.profile().asn()).isEqualTo(64500L);
        assertThat(back.profile().device()).isEqualTo("Desktop");
        assertThat(back.visit().visitId()).isEqualTo("vis_1");
        assertThat(back.visit().utm().source()).isEqualTo("ads");
        assertThat(back.visit().trail()).hasSize(1);
        assertThat(back.visit().current().url()).isEqualTo("https://shop.example/pricing");
        // Between nodes the whole visitor travels.
        String full = NoticeCodec.write(List.of(new Notice.VisitorChanged(v, "pageview")));
        Visitor whole = ((Notice.VisitorChanged) NoticeCodec.read(full).get(0)).visitor();
        assertThat(whole.ip()).isEqualTo("81.2.69.77");
        assertThat(whole.visit().trail()).hasSize(2);
    }

    @Test
    void theFullFormIsTheVisitorItself() {
        Visitor v = VisitorCodec.read(STORED.getBytes(StandardCharsets.UTF_8));
        List<Notice> notices = List.of(new Notice.VisitorChanged(v, "pageview"), new Notice.PageViewed(v),
                new Notice.VisitorsRemoved(List.of("v_1", "v_2"), dev.tippen.visitor.Removal.EXIT));
        assertThat(NoticeCodec.read(NoticeCodec.write(notices))).isEqualTo(notices);
    }
}
