package dev.tippen.store;

/** A write that was not stored. {@code overloaded} means the bounded queue was full: try again shortly. */
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
