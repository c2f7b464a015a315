package dev.tippen.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tippen.enrich.Enrichment;
import dev.tippen.enrich.Profile;
import org.junit.jupiter.api.Test;

class VisitorTransitionsTest {
    static VisitorEvent event(EventType type, String url) {
        return new VisitorEvent(type, "v1", "shop.example", new VisitorEvent.Page(url, null, null),
                new VisitorEvent.Browser("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Safari/604.1", null, null, "Asia/Tokyo"),
                "2026-01-01T00:00:00Z", "203.0.113.9", null);
    }

    @Test
    void theServerClockDecidesActivityAndHeartbeatsDoNotCount() {
        Visitor v = VisitorTransitions.apply(null, event(EventType.PAGEVIEW, "https://shop.example/a"), 1000);
        assertThat(v.firstSeen()).isEqualTo(1000);
        assertThat(v.pageViews()).isEqualTo(1);
        assertThat(v.lastRole()).isEqualTo("iPhone - Safari");
        assertThat(v.company()).isEqualTo("shop.example Visitor");
        assertThat(v.location()).isEqualTo("Asia/Tokyo");
        v = VisitorTransitions.apply(v, event(EventType.HEARTBEAT, "https://shop.example/ignored"), 2000);
        assertThat(v.pageViews()).isEqualTo(1);
        assertThat(v.url()).as("a heartbeat does not move the visitor").isEqualTo("https://shop.example/a");
        assertThat(v.lastActivity()).isEqualTo(2000);
        v = VisitorTransitions.apply(v, event(EventType.PAGEVIEW, "https://shop.example/b"), 3000);
        assertThat(v.pageViews()).isEqualTo(2);
        assertThat(v.url()).isEqualTo("https://shop.example/b");
        assertThat(v.firstSeen()).isEqualTo(1000);
    }

    @Test
    void statusFollowsTheVideoAnswers() {
        Visitor v = VisitorTransitions.apply(null, event(EventType.PAGEVIEW, "https://x.example/"), 1);
        v = v.invited("https://meet.example/1");
        assertThat(v.status()).isEqualTo(VisitorStatus.VIDEO_INVITED);
        assertThat(VisitorTransitions.apply(v, event(EventType.VIDEO_ACCEPTED, null), 2).status()).isEqualTo(VisitorStatus.IN_CALL);
        Visitor declined = VisitorTransitions.apply(v, event(EventType.VIDEO_DECLINED, null), 3);
        assertThat(declined.status()).isEqualTo(VisitorStatus.ACTIVE);
        assertThat(declined.videoDeclinedAt()).isEqualTo(3L);
        Visitor left = VisitorTransitions.apply(declined, event(EventType.EXIT, null), 4);
        assertThat(left.live()).isFalse();
        assertThat(VisitorTransitions.apply(left, event(EventType.HEARTBEAT, null), 5).status()).isEqualTo(VisitorStatus.ACTIVE);
    }

    @Test
    void theVisitorIsLookedUpWhenNewAndWhenItMovesNotOnEveryEvent() {
        java.util.List<String> asked = new java.util.ArrayList<>();
        java.util.function.Function<VisitorEvent, Enrichment> lookup = e -> {
            asked.add(e.ip());
            return new Enrichment("Org of " + e.ip(), "Somewhere", "Mac - Safari", new Profile(64500L, "Org of " + e.ip(),
                    null, "business", null, null, null, "DE", null, null, "Desktop", null, "Safari 17", false, "offline"));
        };
        Visitor v = VisitorTransitions.apply(null, event(EventType.PAGEVIEW, "https://shop.example/a"), 1, lookup);
        assertThat(v.company()).isEqualTo("Org of 203.0.113.9");
        v = VisitorTransitions.apply(v, event(EventType.HEARTBEAT, null), 2, lookup);
        v = VisitorTransitions.apply(v, event(EventType.PAGEVIEW, "https://shop.example/b"), 3, lookup);
        assertThat(asked).as("the same address is not looked up again").containsExactly("203.0.113.9");
        VisitorEvent moved = event(EventType.HEARTBEAT, null);
        moved = new VisitorEvent(moved.type(), moved.visitorId(), moved.website(), moved.page(), moved.browser(),
                moved.clientTimestamp(), "198.51.100.4", null);
        v = VisitorTransitions.apply(v, moved, 4, lookup);
        assertThat(asked).containsExactly("203.0.113.9", "198.51.100.4");
        assertThat(v.company()).isEqualTo("Org of 198.51.100.4");
        assertThat(v.profile().asn()).isEqualTo(64500L);
    }
}
