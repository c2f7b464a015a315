package dev.tippen.it;

/** The step a long browser scenario is at, so that its failure says which one failed and not only where. */
final class Steps {
    private String current = "setting up";

    void at(String step) {
        current = step;
    }

    AssertionError failed(Throwable cause) {
        return new AssertionError("failed at the step \"" + current + "\": " + cause, cause);
    }
}
