package dev.tippen;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a program the machine may lack (Redis, PostgreSQL, Chromium, nginx, strace, the
 * npm registry): skipped on a developer's machine without it, but failed in CI (CI=true), whose
 * .ci/run installs every one of them, so a missing install step can never pass as a green run.
 */
public final class Needs {
    private Needs() {}

    public static void present(boolean present, String what) {
        if (present) return;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI must have this, and .ci/run installs it: " + what);
        }
        Assumptions.assumeTrue(false, what);
    }
}
