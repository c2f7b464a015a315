package dev.tippen.fanout;

import java.util.function.Supplier;

/**
 * A message for one site's sockets. Its JSON is made at most once, and only if some socket (or another
 * node) will receive it, then the same string is written to every recipient.
 */
public sealed interface Outbound {
    String json();

    /** To every dashboard of the site; {@code cleanupList} marks the full list sent after a sweep. */
    record ToDashboards(Lazy body, boolean cleanupList) implements Outbound {
        public String json() {
            return body.get();
        }
    }

    /** To the sockets of one visitor, and nobody else. */
    record ToVisitor(String visitorId, Lazy body) implements Outbound {
        public String json() {
            return body.get();
        }
    }

    static Outbound toDashboards(Supplier<String> json) {
        return new ToDashboards(new Lazy(json), false);
    }

    static Outbound cleanupList(Supplier<String> json) {
        return new ToDashboards(new Lazy(json), true);
    }

    static Outbound toVisitor(String visitorId, Supplier<String> json) {
        return new ToVisitor(visitorId, new Lazy(json));
    }

    /** Computes once; read on the site's lane only, so no synchronisation is needed. */
    final class Lazy {
        private Supplier<String> source;
        private String value;

        Lazy(Supplier<String> source) {
            this.source = source;
        }

        String get() {
            if (value == null) {
                value = source.get();
                source = null;
            }
            return value;
        }
    }
}
