package dev.tippen.team;

/**
 * A person with an account. {@code email} is lower-cased; the hash is Argon2id in PHC form;
 * {@code totpSecret} is set while their second factor is on; an {@code operator} runs the instance.
 */
public record User(String userId, String email, String name, String passwordHash, boolean suspended, long createdAt,
                   Long lastSignInAt, String totpSecret, boolean operator) {

    public User(String userId, String email, String name, String passwordHash, boolean suspended, long createdAt, Long lastSignInAt) {
        this(userId, email, name, passwordHash, suspended, createdAt, lastSignInAt, null, false);
    }

    public boolean totp() {
        return totpSecret != null;
    }
}
