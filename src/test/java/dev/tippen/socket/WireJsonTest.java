package dev.tippen.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The wire's times read exactly as {@link Instant#toString()} writes them, whatever the instant. */
class WireJsonTest {

    @Test
    void timesMatchInstantToStringAcrossTheWholeRange() {
        SplittableRandom random = new SplittableRandom(7);
        long[] edges = {0, 1, -1, 999, 1000, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000L /* 2000-02-29 */,
                253_402_300_799_999L /* 9999-12-31T23:59:59.999 */, -62_167_219_200_000L /* 0000-01-01 */,
                253_402_300_800_000L /* 10000-01-01: no fast path */, -62_167_219_200_001L};
        for (long t : edges) assertThat(written(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        for (int i = 0; i < 200_000; i++) {
            long t = random.nextLong(-62_167_219_200_000L, 253_402_300_800_000L);
            if (i % 3 == 0) t -= Math.floorMod(t, 1000); // whole seconds: no fraction
            assertThat(written(t)).as("%d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
        }
    }

    private static String written(long epochMillis) {
        String json = WireJson.object(g -> WireJson.time(g, "t", epochMillis));
        return json.substring("{\"t\":\"".length(), json.length() - 2);
    }
}
