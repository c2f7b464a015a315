package dev.tippen.enrich;

/** A provider call that failed; {@code outcome} is the metrics label (error, timeout, rate_limited). */
public final class ProviderException extends RuntimeException {
    private final String outcome;

    public ProviderException(String outcome, String message) {
        super(message, null, false, false);
        this.outcome = outcome;
    }

    public String outcome() {
        return outcome;
    }
}
