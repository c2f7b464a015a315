package dev.tippen.visitor;

import io.vertx.core.Future;
import java.util.List;

/**
 * The engine seam: where sites' visitors live and how one visitor's change is made atomic and
 * durable. Embedded (memory and SQLite) and Redis implement it; the rules ({@link SiteRules}) are
 * the same for both, and one node differs from several only in which engine is wired.
 *
 * <p>An engine decides a change from the committed state only, makes it durable, and only then
 * applies it and hands its notices to the change stream, numbered in commit order per site. A state
 * that was not stored is never visible to anyone.
 */
public interface Engine extends AutoCloseable {

    /**
     * Decides the change of one visitor from its committed state and applies it. {@code decide} may run
     * more than once (when another node changed the visitor first) and must be pure. Changes to one
     * visitor are applied one after another.
     */
    <T> Future<Applied<T>> change(String siteId, String visitorId, Decide<T> decide);

    /** The live list as committed, with the number of the last change it reflects. */
    Future<LiveList> live(String siteId);

    /** One visitor as committed (null when unknown), with the number of the last change it reflects. */
    Future<Seen> seen(String siteId, String visitorId);

    /**
     * The refusal this site's events get right now for the bytes it stores a second
     * (--track-bytes-site), or null: tracking then answers 429 before it reads and parses a body
     * that would be refused anyway. Called from any thread; an engine without such a limit answers null.
     */
    default SiteRefusal writesRefused(String siteId) {
        return null;
    }

    /** Why the node should not be sent traffic now (storage down, disk low), or null when it is ready. */
    String unready();

    /**
     * A visitor was erased: what the storage keeps beyond its live rows (a write-ahead log, an
     * append-only file) is rewritten soon, so the erased data leaves the disk too.
     */
    void erased();

    /** One line for the start-up log. */
    String describe();

    /** Sites this node holds anything for. */
    int activeSites();

    @Override
    void close();

    @FunctionalInterface
    interface Decide<T> {
        Decision<T> decide(Visitor current, long now);
    }

    /**
     * A change to make, and what the caller is answered once it is made. {@code unlessConnected}: the
     * change holds only while the visitor has no socket on any node; the engine checks that where it
     * applies the change, so a socket opened meanwhile calls it off.
     */
    record Decision<T>(Change change, T result, boolean unlessConnected) {
        public Decision(Change change, T result) {
            this(change, result, false);
        }
    }

    /** {@code visitorSockets}: how many of the visitor's sockets, on every node, heard the change. */
    record Applied<T>(T result, long seq, int visitorSockets) {}

    /** {@code hiddenBots}: live visitors left off the list because they are bots. */
    record LiveList(long seq, List<Visitor> visitors, int hiddenBots) {}

    record Seen(long seq, Visitor visitor) {}
}
