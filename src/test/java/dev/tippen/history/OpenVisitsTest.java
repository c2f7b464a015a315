package dev.tippen.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenVisitsTest {
    private static VisitRow row(String visitId, String visitorId, int urlChars) {
        VisitRow r = new VisitRow();
        r.siteId = "site_1";
        r.visitId = visitId;
        r.visitorId = visitorId;
        r.entryUrl = "https://shop.example/" + "x".repeat(urlChars);
        r.exitUrl = r.entryUrl;
        return r;
    }

    @Test
    void staysWithinItsBytesDroppingTheLeastRecentlyUsedFirst() {
        long one = OpenVisits.weight(row("vis_0", "v0", 100));
        OpenVisits open = new OpenVisits(10 * one);
        for (int i = 0; i < 10; i++) open.put("k" + i, row("vis_" + i, "v" + i, 100));
        assertThat(open.size()).isEqualTo(10);
        open.get("k0"); // used: k1 is now the least recent
        open.put("k10", row("vis_10", "v10", 100));
        assertThat(open.get("k1")).isNull();
        assertThat(open.get("k0")).isNotNull();
        assertThat(open.bytes()).isLessThanOrEqualTo(10 * one);
        // One large row pushes out as many small ones as it needs.
        open.put("big", row("vis_big", "vbig", 2_000));
        assertThat(open.bytes()).isLessThanOrEqualTo(10 * one);
        assertThat(open.get("big")).isNotNull();
        // Replacing and removing keep the count true.
        open.put("big", row("vis_big", "vbig", 100));
        open.remove("big");
        open.removeVisitor("site_1", "v0");
        assertThat(open.get("k0")).isNull();
        long sum = 0;
        for (int i = 0; i <= 10; i++) {
            VisitRow r = open.get("k" + i);
            if (r != null) sum += OpenVisits.weight(r);
        }
        assertThat(open.bytes()).isEqualTo(sum);
        open.clear();
        assertThat(open.bytes()).isZero();
    }
}
