package dev.tippen.visitor;

/** Wire values of {@code visitor.status}. */
public final class VisitorStatus {
    public static final String ACTIVE = "active";
    public static final String VIDEO_INVITED = "video_invited";
    public static final String IN_CALL = "in_call";
    public static final String LEFT = "left";

    private VisitorStatus() {}
}
