package dev.tippen.history;

/** One page of a recorded visit: when the visitor came to it and how long they stayed. */
public record PageRecord(String url, String title, long enteredAt, long seconds) {}
