package dev.tippen.dashboard;

import dev.tippen.socket.Connection;
import dev.tippen.socket.Text;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import java.util.List;

/**
 * A dashboard's full list (INITIAL_VISITORS, VISITOR_LIST). A small list is one frame; a long one
 * is written in parts, each made once the one before it was written, so a site with many visitors
 * never builds its whole list as one string, and a dashboard that stops reading stops the work.
 */
final class LiveListMessage {
    /** Visitors per part: about 100-200 KB of JSON. */
    static final int PART = 200;

    private LiveListMessage() {}

    /** On the site's lane, with the socket held. */
    static Future<Void> send(Connection c, String type, List<Visitor> visitors, int hiddenBots) {
        if (visitors.size() <= PART) {
            // Complete once written: the socket is released only then, so the updates that waited are
            // measured against its own backlog, not against the list, and a list never calls for another.
            return c.sendWritten(Text.of(type.equals("INITIAL_VISITORS") ? DashboardMessages.initialVisitors(visitors, hiddenBots)
                    : DashboardMessages.visitorList(visitors, hiddenBots)));
        }
        return c.sendFragment(DashboardMessages.listHead(type, hiddenBots), true, false)
                .compose(v -> part(c, visitors, 0));
    }

    private static Future<Void> part(Connection c, List<Visitor> visitors, int from) {
        int to = Math.min(visitors.size(), from + PART);
        boolean last = to == visitors.size();
        String body = DashboardMessages.listPart(visitors, from, to) + (last ? DashboardMessages.LIST_TAIL : "");
        Future<Void> written = c.sendFragment(body, false, last);
        return last ? written : written.compose(v -> part(c, visitors, to));
    }
}
