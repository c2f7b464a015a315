package dev.tippen.webhook;

import dev.tippen.history.Dialect;
import dev.tippen.history.HistoryEvent;
import dev.tippen.history.HistoryListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Turns what the history learned into deliveries, inside the history's own transaction: a delivery
 * exists exactly when the change behind it is recorded, and a change recorded again after a crash
 * teaches nothing new, so it is never notified twice. Each endpoint hears only the events it
 * subscribed to and the visits its filter lets through.
 */
final class Notifier implements HistoryListener {
    private final Payloads payloads;
    private final int queueLimit;
    private final LongConsumer dropped;
    private final java.util.function.Consumer<Set<String>> wake;
    /** Endpoints the batch in hand queued for: woken once it commits, so their senders see it. */
    private Set<String> queued = Set.of();

    Notifier(Payloads payloads, int queueLimit, LongConsumer dropped, java.util.function.Consumer<Set<String>> wake) {
        this.payloads = payloads;
        this.queueLimit = queueLimit;
        this.dropped = dropped;
        this.wake = wake;
    }

    @Override
    public void recorded(Connection c, Dialect dialect, List<HistoryEvent> events) throws SQLException {
        queued = Set.of();
        if (events.isEmpty()) return;
        Map<String, List<Endpoint>> bySite = new HashMap<>();
        Set<String> touched = new HashSet<>();
        for (HistoryEvent e : events) {
            if (e instanceof HistoryEvent.VisitorErased erased) {
                DeliveryStore.erase(c, erased.siteId(), erased.visitorId());
                continue;
            }
            List<Endpoint> endpoints = bySite.get(e.siteId());
            if (endpoints == null) {
                endpoints = EndpointStore.enabledForSite(c, e.siteId());
                bySite.put(e.siteId(), endpoints);
            }
            if (endpoints.isEmpty()) continue;
            for (Payloads.Message m : payloads.of(e)) {
                String body = null;
                for (Endpoint ep : endpoints) {
                    if (!ep.wants(m.type()) || !ep.filter().matches(m.visit())) continue;
                    if (body == null) body = m.body().encode();
                    DeliveryStore.enqueue(c, Ids.next("dlv_"), ep.id(), e.siteId(), Ids.next("msg_"), m.type(), m.visitorId(), body,
                            System.currentTimeMillis());
                    touched.add(ep.id());
                }
            }
        }
        for (String id : touched) {
            int n = DeliveryStore.trim(c, id, queueLimit, System.currentTimeMillis());
            if (n > 0) {
                EndpointStore.addDropped(c, id, n);
                dropped.accept(n);
            }
        }
        queued = touched;
    }

    @Override
    public void committed() {
        if (!queued.isEmpty()) wake.accept(queued);
        queued = Set.of();
    }
}
