package dev.tippen.http;

/** A request refused with a status and a message the caller can act on. */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }
}
