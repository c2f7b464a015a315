package dev.tippen.team;

/**
 * A person with an account. {@code email} is lower-cased; the hash is Argon2id in PHC form;
 * {@code totpSecret} is set while their second factor is on.
 */
public record User(String userId, String email, String name, String passwordHash, boolean suspended, long createdAt,
                   Long lastSignInAt, String totpSecret) {

    public User(String userId, String email, String name, String passwordHash, boolean suspended, long createdAt, Long lastSignInAt) {
        this(userId, email, name, passwordHash, suspended, createdAt, lastSignInAt, null);
    }

    public boolean totp() {
        return totpSecret != null;
    }
}
