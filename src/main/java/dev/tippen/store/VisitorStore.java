package dev.tippen.store;

import dev.tippen.invite.PendingInvite;
import dev.tippen.visitor.Visitor;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The storage seam: what the site coordinators make durable. A write's future completes only once the
 * write survives a crash; it fails with {@link StoreException} when it cannot be stored.
 */
public interface VisitorStore extends AutoCloseable {

    sealed interface Write permits PutVisitor, RemoveVisitor, PutInvite, RemoveInvite {
        String siteId();

        String visitorId();
    }

    record PutVisitor(String siteId, Visitor visitor) implements Write {
        public String visitorId() {
            return visitor.visitorId();
        }
    }

    record RemoveVisitor(String siteId, String visitorId) implements Write {}

    record PutInvite(String siteId, PendingInvite invite) implements Write {
        public String visitorId() {
            return invite.visitorId();
        }
    }

    record RemoveInvite(String siteId, String visitorId) implements Write {}

    /** Everything that was live when the server last stopped, grouped by site. */
    record Restored(Map<String, List<Visitor>> visitors, Map<String, List<PendingInvite>> invites) {}

    Future<Void> write(List<Write> writes);

    /** Blocking; called once at start, before any traffic. */
    Restored restore();

    /** False while the last commit failed (disk full, unwritable); flips back when a commit succeeds. */
    boolean healthy();

    @Override
    void close();
}
