package dev.tippen.team;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    @Test
    void hashesAreArgon2idAtOwaspParametersAndCheckTheirOwnPassword() {
        String h = Passwords.hash("correct horse battery");
        assertThat(h).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(Passwords.check("correct horse battery", h)).isTrue();
        assertThat(Passwords.check("correct horse batterz", h)).isFalse();
        assertThat(Passwords.hash("correct horse battery")).as("salted").isNotEqualTo(h);
    }

    /** The reference implementation's own example (argon2 "password" -id -t 2 -m 16 -p 1, salt "somesalt"). */
    @Test
    void aHashMadeByTheReferenceImplementationChecks() {
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertThat(Passwords.check("password", reference)).isTrue();
        assertThat(Passwords.check("passwore", reference)).isFalse();
    }

    @Test
    void malformedOrGreedyHashesAreRefusedNotRun() {
        assertThat(Passwords.check("x", "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(Passwords.check("x", "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isFalse();
        assertThat(Passwords.check("x", "not a hash")).isFalse();
        assertThat(Passwords.check("x", null)).isFalse();
    }

    @Test
    void weakPasswordsAreRefusedWithAReason() {
        assertThat(Passwords.problem("short")).contains("at least 10");
        assertThat(Passwords.problem("x".repeat(129))).contains("at most 128");
        assertThat(Passwords.problem("long enough here")).isNull();
    }
}
