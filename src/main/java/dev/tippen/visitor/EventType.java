package dev.tippen.visitor;

import java.util.Arrays;
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
        return Arrays.stream(values()).filter(t -> t.wire.equals(s)).findFirst();
    }
}
