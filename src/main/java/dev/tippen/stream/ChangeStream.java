package dev.tippen.stream;

import dev.tippen.visitor.ChangeListener;
import dev.tippen.visitor.SiteChange;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's stream of committed changes: the engine's broker feeds it, on each site's lane and in
 * commit order; every subscriber hears every change, in the order they subscribed. A subscriber that
 * throws is logged and skipped, so one bad subscriber never keeps a change from the others.
 */
public final class ChangeStream implements ChangeListener {
    private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);

    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

    /** Wired once at start, before traffic. */
    public ChangeStream subscribe(ChangeListener listener) {
        listeners.add(listener);
        return this;
    }

    @Override
    public void onChange(SiteChange change) {
        for (ChangeListener l : listeners) {
            try {
                l.onChange(change);
            } catch (RuntimeException e) {
                log.error("event=subscriber_failed subscriber={} site={} error=\"{}\"", l.getClass().getSimpleName(),
                        change.siteId(), e.toString(), e);
            }
        }
    }

    @Override
    public void onGap(String siteId) {
        for (ChangeListener l : listeners) {
            try {
                l.onGap(siteId);
            } catch (RuntimeException e) {
                log.error("event=subscriber_failed subscriber={} site={} error=\"{}\"", l.getClass().getSimpleName(), siteId,
                        e.toString(), e);
            }
        }
    }
}
