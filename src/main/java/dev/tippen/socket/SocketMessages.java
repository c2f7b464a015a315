package dev.tippen.socket;

/** The socket protocol both socket kinds share: {@code PONG} and {@code ERROR}. */
public final class SocketMessages {
    private SocketMessages() {}

    public static String pong(long now) {
        return WireJson.object(g -> {
            g.writeStringField("type", "PONG");
            g.writeNumberField("timestamp", now);
        });
    }

    public static String error(String message) {
        return WireJson.object(g -> {
            g.writeStringField("type", "ERROR");
            g.writeStringField("error", message);
        });
    }
}
