package dev.tippen.cluster;

/**
 * A site's message as it travels between nodes on the site's channel: {@code seq\nkind\ntarget\nbody}.
 * Kinds: {@code D} to every dashboard (body is the wire JSON), {@code V} to one visitor's sockets
 * ({@code target} is the visitor), and {@code X}, a sweep's result, which each node renders itself
 * (first line: removed {@code id flags} pairs; then the remaining live rows as stored).
 */
record Envelope(long seq, char kind, String target, String body) {
    static final char DASHBOARDS = 'D';
    static final char VISITOR = 'V';
    static final char EXPIRED = 'X';

    /** The part the publisher writes; the script puts the sequence number in front. */
    static String unnumbered(char kind, String target, String body) {
        return kind + "\n" + (target == null ? "" : target) + "\n" + body;
    }

    /** Null for anything that is not an envelope (nothing else is published on a site's channel). */
    static Envelope parse(String message) {
        int a = message.indexOf('\n');
        if (a <= 0 || a + 2 >= message.length() || message.charAt(a + 2) != '\n') return null;
        int b = message.indexOf('\n', a + 3);
        if (b < 0) return null;
        try {
            return new Envelope(Long.parseLong(message, 0, a, 10), message.charAt(a + 1), message.substring(a + 3, b),
                    message.substring(b + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
