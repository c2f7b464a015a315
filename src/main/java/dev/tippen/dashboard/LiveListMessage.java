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
            return c.sendWritten(type.equals("INITIAL_VISITORS") ? DashboardMessages.initialVisitors(visitors, hiddenBots, c.trails())
                    : DashboardMessages.visitorList(visitors, hiddenBots, c.trails()));
        }
        return c.sendFragment(DashboardMessages.listHead(type, hiddenBots), true, false)
                .compose(v -> part(c, visitors, 0));
    }

    /**
     * On the site's lane, with the socket held: the first screen first. The {@link #PART} most recently
     * active visitors go in an INITIAL_VISITORS marked {@code "more": true}, which a console shows at
     * once; the others follow in VISITORS_MORE messages of as many, the last marked {@code "more": false}.
     * The updates that wait for the greeting come after all of them, as after any list.
     */
    static Future<Void> sendFirstScreenFirst(Connection c, List<Visitor> visitors, int hiddenBots) {
        if (visitors.size() <= PART) return send(c, "INITIAL_VISITORS", visitors, hiddenBots);
        List<Visitor> recentFirst = new java.util.ArrayList<>(visitors);
        recentFirst.sort(java.util.Comparator.comparingLong(Visitor::lastActivity).reversed());
        return c.sendWritten(DashboardMessages.firstScreen(recentFirst.subList(0, PART), hiddenBots, c.trails()))
                .compose(v -> more(c, recentFirst, PART));
    }

    private static Future<Void> more(Connection c, List<Visitor> visitors, int from) {
        int to = Math.min(visitors.size(), from + PART);
        boolean last = to == visitors.size();
        Future<Void> written = c.sendWritten(DashboardMessages.moreVisitors(visitors.subList(from, to), !last, c.trails()));
        return last ? written : written.compose(v -> more(c, visitors, to));
    }

    private static Future<Void> part(Connection c, List<Visitor> visitors, int from) {
        int to = Math.min(visitors.size(), from + PART);
        boolean last = to == visitors.size();
        String body = DashboardMessages.listPart(visitors, from, to, c.trails()) + (last ? DashboardMessages.LIST_TAIL : "");
        Future<Void> written = c.sendFragment(body, false, last);
        return last ? written : written.compose(v -> part(c, visitors, to));
    }
}
