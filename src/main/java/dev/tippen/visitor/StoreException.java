package dev.tippen.visitor;

/**
 * A change that was not stored, so must not be acknowledged. {@code overloaded} means a bounded queue
 * was full: try again shortly.
 */
public final class StoreException extends RuntimeException {
    private final boolean overloaded;

    public StoreException(String message, boolean overloaded, Throwable cause) {
        super(message, cause, false, false);
        this.overloaded = overloaded;
    }

    public boolean overloaded() {
        return overloaded;
    }
}
