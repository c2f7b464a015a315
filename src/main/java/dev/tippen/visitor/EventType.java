package dev.tippen.visitor;

import java.util.Optional;

/** The events a tracker may send, spelled as on the wire. */
public enum EventType {
    PAGEVIEW("pageview"),
    HEARTBEAT("heartbeat"),
    EXIT("exit"),
    VIDEO_ACCEPTED("video_accepted"),
    VIDEO_DECLINED("video_declined");

    private final String wire;

    EventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<EventType> fromWire(String s) {
        if (s == null) return Optional.empty();
        return switch (s) {
            case "pageview" -> Optional.of(PAGEVIEW);
            case "heartbeat" -> Optional.of(HEARTBEAT);
            case "exit" -> Optional.of(EXIT);
            case "video_accepted" -> Optional.of(VIDEO_ACCEPTED);
            case "video_declined" -> Optional.of(VIDEO_DECLINED);
            default -> Optional.empty();
        };
    }
}
