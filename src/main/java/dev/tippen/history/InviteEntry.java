package dev.tippen.history;

/** A video invite sent during a visit, and what became of it (pending, accepted, declined, expired). */
public record InviteEntry(String inviteId, long sentAt, String guestUrl, String outcome, Long answeredAt) {}
