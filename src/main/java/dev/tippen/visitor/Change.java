package dev.tippen.visitor;

import java.util.List;

/**
 * What the rules decided for one visitor: its state {@code before} and {@code after} (null after: the
 * visitor is removed) and the notices the change causes. {@code activityOnly}: nothing but the time
 * of activity, the last event and the client's timestamp moved (a heartbeat), which lets storage
 * write a few columns instead of the whole visitor.
 */
public record Change(Visitor before, Visitor after, List<Notice> notices, boolean activityOnly) {

    public Change {
        notices = List.copyOf(notices);
    }

    public static Change none(Visitor unchanged) {
        return new Change(unchanged, unchanged, List.of(), false);
    }

    /** Whether the visitor's state changes (a change may also carry only notices). */
    public boolean writes() {
        return before != after;
    }

    public boolean empty() {
        return !writes() && notices.isEmpty();
    }

    public boolean creates() {
        return before == null && after != null;
    }

    /** The notices that are kept durably with the change. */
    public List<Notice.Recorded> recorded() {
        return recordedOf(notices);
    }

    public static List<Notice.Recorded> recordedOf(List<Notice> notices) {
        List<Notice.Recorded> out = null;
        for (Notice n : notices) {
            if (n instanceof Notice.Recorded r) {
                if (out == null) out = new java.util.ArrayList<>(2);
                out.add(r);
            }
        }
        return out == null ? List.of() : out;
    }
}
