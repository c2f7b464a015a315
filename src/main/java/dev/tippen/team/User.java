package dev.tippen.team;

/** A person with an account. {@code email} is lower-cased; the hash is Argon2id in PHC form. */
public record User(String userId, String email, String name, String passwordHash, boolean suspended, long createdAt,
                   Long lastSignInAt) {
}
