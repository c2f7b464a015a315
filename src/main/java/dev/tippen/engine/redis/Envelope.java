package dev.tippen.engine.redis;

/**
 * A site's change as it travels between nodes on the site's channel: {@code seq\nkind\nbody}. Kinds:
 * {@code C}, a change's notices (the body is their JSON), and {@code X}, a sweep's result (the
 * removed rows, a line {@code --}, then the live rows that remain), from which each node decides by
 * the same rules what its subscribers hear.
 */
record Envelope(long seq, char kind, String body) {
    static final char CHANGE = 'C';
    static final char EXPIRED = 'X';

    /** Null for anything that is not an envelope (nothing else is published on a site's channel). */
    static Envelope parse(String message) {
        int a = message.indexOf('\n');
        if (a <= 0 || a + 2 >= message.length() || message.charAt(a + 2) != '\n') return null;
        try {
            return new Envelope(Long.parseLong(message, 0, a, 10), message.charAt(a + 1), message.substring(a + 3));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
