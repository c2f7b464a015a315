package dev.tippen.enrich;

/** A database file that cannot be used; the message names the file and says what is wrong with it. */
public final class IpDataException extends RuntimeException {
    public IpDataException(String message) {
        super(message);
    }

    public IpDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
