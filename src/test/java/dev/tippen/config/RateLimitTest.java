package dev.tippen.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimitTest {
    @Test
    void parsesRateBurstAndOff() {
        assertThat(RateLimit.parse("100/s:1000")).isEqualTo(new RateLimit(100, 1000));
        assertThat(RateLimit.parse(" 20/s ")).isEqualTo(new RateLimit(20, 20));
        assertThat(RateLimit.parse("off")).isNull();
        assertThat(RateLimit.parse("0")).isNull();
    }

    @Test
    void rejectsWhatItCannotRead() {
        for (String bad : new String[] {"", "100", "100/m", "-1/s", "0/s", "10/s:0", "ten/s"}) {
            assertThatThrownBy(() -> RateLimit.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
