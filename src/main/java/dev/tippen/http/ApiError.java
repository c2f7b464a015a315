package dev.tippen.http;

/** A request refused with a status and a message the caller can act on. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final long retryAfterSeconds;

    public ApiError(int status, String message) {
        this(status, message, 0);
    }

    private ApiError(int status, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429: the caller may try again after this many seconds (at least 1). */
    public static ApiError tooManyRequests(String message, long retryAfterSeconds) {
        return new ApiError(429, message, Math.max(1, retryAfterSeconds));
    }

    /** 503: the server is at a limit of its own; try again after this many seconds. */
    public static ApiError unavailable(String message, long retryAfterSeconds) {
        return new ApiError(503, message, Math.max(1, retryAfterSeconds));
    }

    public int status() {
        return status;
    }

    /** 0 when the answer carries no Retry-After. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }
}
