package dev.tippen.team;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignInThrottleTest {
    @Test
    void waitsGrowForTheGuessedPairAndForNoOneElse() {
        SignInThrottle t = new SignInThrottle();
        long now = 1_000_000;
        for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
            assertThat(t.waitMillis("a@x.io", "10.0.0.1", now)).isZero();
            t.failed("a@x.io", "10.0.0.1", now);
        }
        assertThat(t.waitMillis("a@x.io", "10.0.0.1", now)).isEqualTo(1000);
        t.failed("a@x.io", "10.0.0.1", now + 1000);
        assertThat(t.waitMillis("a@x.io", "10.0.0.1", now + 1000)).isEqualTo(2000);
        for (int i = 0; i < 30; i++) t.failed("a@x.io", "10.0.0.1", now + 1000);
        assertThat(t.waitMillis("a@x.io", "10.0.0.1", now + 1000)).isEqualTo(SignInThrottle.MAX_WAIT_MILLIS);
        // The owner elsewhere, and others here, are not held up.
        assertThat(t.waitMillis("a@x.io", "10.9.9.9", now + 1000)).isZero();
        assertThat(t.waitMillis("b@x.io", "10.0.0.1", now + 1000)).isZero();
        t.succeeded("a@x.io", "10.0.0.1");
        assertThat(t.waitMillis("a@x.io", "10.0.0.1", now + 1000)).isZero();
    }

    @Test
    void anAddressFailingAcrossManyAccountsIsHeldUpAsAWhole() {
        SignInThrottle t = new SignInThrottle();
        for (int i = 0; i < SignInThrottle.ADDRESS_FAILURES; i++) t.failed("u" + i + "@x.io", "10.0.0.2", 5000);
        assertThat(t.waitMillis("fresh@x.io", "10.0.0.2", 6000)).isPositive();
        assertThat(t.waitMillis("fresh@x.io", "10.0.0.3", 6000)).isZero();
    }
}
