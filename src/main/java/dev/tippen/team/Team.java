package dev.tippen.team;

import dev.tippen.http.ApiError;
import dev.tippen.site.ApiKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What people do with their accounts: sign in, join by link, reset a password, and what admins do
 * to their team. Decides who may change whom; the store records it, the registry serves it.
 * Password work runs on a pool of its own, two at a time with at most {@link #MAX_WAITING} queued:
 * each Argon2id takes 19 MiB, and a flood of sign-ins must not take the heap or the workers.
 */
public final class Team {
    private static final Logger log = LoggerFactory.getLogger(Team.class);
    public static final Duration JOIN_LINK_LIFETIME = Duration.ofDays(7);
    public static final Duration SETUP_LINK_LIFETIME = Duration.ofHours(24);
    static final int MAX_WAITING = 32;
    public static final int MAX_NAME = 100;
    public static final int MAX_EMAIL = 254;

    /** A new session's token, to set as the cookie, and whose it is. */
    public record Opened(String token, User user) {}

    /** A link made: its id, the token to put in its URL (shown once) and when it lapses. */
    public record Link(String invitationId, String token, long expiresAt) {}

    private final TeamRegistry registry;
    private final TeamStore store;
    private final WorkerExecutor passwords;
    private final AtomicInteger waiting = new AtomicInteger();
    private final SignInThrottle throttle = new SignInThrottle();
    private final Audit audit;

    public Team(Vertx vertx, TeamRegistry registry, Audit audit) {
        this.registry = registry;
        this.audit = audit;
        this.store = registry.store();
        this.passwords = vertx.createSharedWorkerExecutor("tippen-passwords", 2);
    }

    public TeamRegistry registry() {
        return registry;
    }

    public Audit audit() {
        return audit;
    }

    /** An entry on each of a person's sites: a sign-in concerns all of them. */
    private void onTheirSites(User u, String action) {
        for (String siteId : registry.roles(u.userId()).keySet()) audit.record(siteId, Audit.Actor.user(u.userId(), u.name()), action, u.userId(), null);
    }

    /** The password was right, and the account asks for its second factor: the console shows the code field. */
    public static final class CodeRequired extends RuntimeException {
        CodeRequired() {
            super("enter the code from your authenticator app, or a recovery code", null, false, false);
        }
    }

    public Future<Opened> signIn(String email, String password, String address) {
        return signIn(email, password, null, address);
    }

    /**
     * Checks the password (slowly, off the event loop), then the second factor where the account has
     * one, and opens a session. One wrong answer for every kind of failure; a wrong code counts as a
     * wrong password for the throttle.
     */
    public Future<Opened> signIn(String email, String password, String code, String address) {
        String account = TeamRegistry.normalEmail(email);
        long now = System.currentTimeMillis();
        long wait = throttle.waitMillis(account, address, now);
        if (wait > 0) {
            return Future.failedFuture(ApiError.tooManyRequests("too many wrong passwords; try again in " + seconds(wait) + " s", seconds(wait)));
        }
        User user = registry.byEmail(account);
        return slowly(() -> Passwords.check(password, user == null ? null : user.passwordHash())).compose(ok -> {
            long at = System.currentTimeMillis();
            if (!ok) {
                throttle.failed(account, address, at);
                log.info("event=sign_in_failed user={}", user == null ? "unknown" : user.userId());
                if (user != null) onTheirSites(user, "sign_in.failed");
                return Future.failedFuture(new ApiError(401, "wrong e-mail or password"));
            }
            if (user.totp()) {
                if (code == null || code.isBlank()) return Future.failedFuture(new CodeRequired());
                return blocking(() -> secondFactor(user, code.trim(), at)).compose(good -> {
                    if (!good) {
                        throttle.failed(account, address, System.currentTimeMillis());
                        log.info("event=sign_in_failed user={} factor=code", user.userId());
                        onTheirSites(user, "sign_in.failed");
                        return Future.failedFuture(new ApiError(401, "wrong or already used code"));
                    }
                    return admit(user, account, address, System.currentTimeMillis());
                });
            }
            return admit(user, account, address, at);
        });
    }

    private Future<Opened> admit(User user, String account, String address, long at) {
        throttle.succeeded(account, address);
        if (user.suspended()) return Future.failedFuture(new ApiError(403, "this account is suspended; ask an admin of your site"));
        return open(user, at);
    }

    /** Blocking: a 6-digit code for a step not used yet, or an unused recovery code; either is spent. */
    private boolean secondFactor(User user, String code, long now) {
        if (code.matches("[0-9]{6}")) {
            long step = Totp.matchingStep(user.totpSecret(), code, java.time.Instant.ofEpochMilli(now));
            return step >= 0 && store.useTotpStep(user.userId(), step);
        }
        String recovery = code.toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (!recovery.matches("[a-z2-7]{4}(-[a-z2-7]{4}){3}")) return false;
        boolean used = store.useRecoveryCode(user.userId(), ApiKeys.hash(recovery), now);
        if (used) onTheirSites(user, "totp.recovery_code_used");
        return used;
    }

    /** What an app needs to add the account: a new secret, kept pending until a code proves the app has it. */
    public record TotpSetup(String secret, String uri) {}

    public Future<TotpSetup> totpSetup(User user) {
        if (user.totp()) return Future.failedFuture(new ApiError(409, "two-factor sign-in is on already; turn it off first"));
        String secret = Totp.newSecret();
        return blocking(() -> {
            store.setPendingTotp(user.userId(), secret);
            return new TotpSetup(secret, Totp.uri(secret, user.email()));
        });
    }

    /** Turns the second factor on once a code from the app matches; answers the recovery codes, shown this once. */
    public Future<java.util.List<String>> totpConfirm(User user, String code) {
        return blocking(() -> {
            String pending = store.pendingTotp(user.userId());
            if (pending == null) throw new ApiError(409, "start the set-up first");
            long step = Totp.matchingStep(pending, code == null ? "" : code.trim(), java.time.Instant.now());
            if (step < 0) throw new ApiError(400, "that code does not match; check the app's clock and try the next one");
            java.util.List<String> codes = new java.util.ArrayList<>();
            java.util.List<String> hashes = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String c = recoveryCode();
                codes.add(c);
                hashes.add(ApiKeys.hash(c));
            }
            if (!store.confirmTotp(user.userId(), pending, step, hashes)) throw new ApiError(409, "the set-up changed meanwhile; start again");
            registry.reloadIfChanged();
            onTheirSites(user, "totp.enabled");
            return codes;
        });
    }

    /** Turns the second factor off: the password again, so a session left open cannot. */
    public Future<Void> totpDisable(User user, String password) {
        return slowly(() -> Passwords.check(password == null ? "" : password, user.passwordHash())).compose(ok -> {
            if (!ok) return Future.failedFuture(new ApiError(401, "wrong password"));
            return blocking(() -> {
                store.disableTotp(user.userId());
                registry.reloadIfChanged();
                onTheirSites(user, "totp.disabled");
                return null;
            });
        });
    }

    /** 80 random bits as four groups of four Base32 letters: xxxx-xxxx-xxxx-xxxx. */
    private static String recoveryCode() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        java.security.SecureRandom r = new java.security.SecureRandom();
        StringBuilder sb = new StringBuilder(19);
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) sb.append('-');
            sb.append(alphabet.charAt(r.nextInt(32)));
        }
        return sb.toString();
    }

    private Future<Opened> open(User user, long now) {
        String token = ApiKeys.randomToken(43);
        UserSession s = new UserSession(ApiKeys.hash(token), user.userId(), now, now, now + registry.lifetimeMillis());
        return blocking(() -> {
            if (!store.openSession(s, TeamRegistry.MAX_OPEN, TeamRegistry.MAX_PER_USER)) {
                throw ApiError.unavailable("too many console sessions are open; try again later", 60);
            }
            registry.reloadIfChanged();
            log.info("event=signed_in user={}", user.userId());
            onTheirSites(user, "sign_in.succeeded");
            return new Opened(token, user);
        });
    }

    /** Ends one session (sign-out). */
    public Future<Void> signOut(String tokenHash) {
        return blocking(() -> {
            store.endSessions(java.util.List.of(tokenHash));
            registry.reloadIfChanged();
            return null;
        });
    }

    // --- links ---

    /** What a link is for, before anyone types a password: the page shows it. Null when unusable. */
    public Invitation link(String token) {
        if (token == null || token.isBlank() || token.length() > 100) return null;
        Invitation i = store.invitation(ApiKeys.hash(token.trim()));
        return i != null && i.usable(System.currentTimeMillis()) ? i : null;
    }

    /**
     * Uses a link: a join makes the account (or, for an e-mail that has one, checks its password)
     * and gives the role; a reset sets the password. Either way the person is then signed in.
     */
    public Future<Opened> useLink(String token, String name, String password, String code, String address) {
        return blocking(() -> link(token)).compose(link -> {
            if (link == null) return Future.failedFuture(new ApiError(410, "this link has been used or has expired; ask for a new one"));
            User existing = registry.byEmail(link.email());
            if (link.kind() == Invitation.Kind.OPERATOR && existing != null) {
                return signIn(existing.email(), password == null ? "" : password, code, address).compose(opened -> blocking(() -> {
                    store.join(link, null, existing.userId(), System.currentTimeMillis());
                    registry.reloadIfChanged();
                    log.info("event=operator_joined user={}", existing.userId());
                    return opened;
                }));
            }
            if (link.kind() == Invitation.Kind.RESET) {
                String problem = Passwords.problem(password);
                if (problem != null) return Future.failedFuture(ApiError.badRequest(problem));
                if (existing == null) return Future.failedFuture(new ApiError(410, "the account for this link is gone"));
                // A reset replaces the password, not the second factor: whoever holds the link (an
                // admin made it) still needs the person's code. Asked before the link is spent.
                Future<Boolean> factor = !existing.totp() ? Future.succeededFuture(true)
                        : code == null || code.isBlank() ? Future.failedFuture(new CodeRequired())
                        : blocking(() -> secondFactor(existing, code.trim(), System.currentTimeMillis()));
                return factor.compose(good -> good ? slowly(() -> Passwords.hash(password))
                        : Future.failedFuture(new ApiError(401, "wrong or already used code"))).compose(hash -> blocking(() -> {
                    store.resetPassword(link, existing.userId(), hash, System.currentTimeMillis());
                    registry.reloadIfChanged();
                    log.info("event=password_reset user={}", existing.userId());
                    for (String siteId : registry.roles(existing.userId()).keySet()) {
                        audit.record(siteId, Audit.Actor.user(existing.userId(), existing.name()), "teammate.password_reset", existing.userId(), null);
                    }
                    return existing;
                })).compose(u -> open(u, System.currentTimeMillis()));
            }
            if (existing != null) {
                // The account exists (on another site): joining proves it is theirs with its password.
                return signIn(existing.email(), password == null ? "" : password, code, address).compose(opened -> blocking(() -> {
                    store.join(link, null, existing.userId(), System.currentTimeMillis());
                    registry.reloadIfChanged();
                    log.info("event=teammate_joined user={} site={} role={}", existing.userId(), link.siteId(), link.role().wire());
                    audit.record(link.siteId(), Audit.Actor.user(existing.userId(), existing.name()), "teammate.joined", existing.userId(),
                            link.role().wire());
                    return opened;
                }));
            }
            String cleanName = name == null ? "" : name.strip();
            if (cleanName.isEmpty()) return Future.failedFuture(ApiError.badRequest("a name is required"));
            if (cleanName.length() > MAX_NAME) return Future.failedFuture(ApiError.badRequest("the name may have at most " + MAX_NAME + " characters"));
            if (cleanName.chars().anyMatch(Character::isISOControl)) return Future.failedFuture(ApiError.badRequest("the name may not hold control characters"));
            String problem = Passwords.problem(password);
            if (problem != null) return Future.failedFuture(ApiError.badRequest(problem));
            return slowly(() -> Passwords.hash(password)).compose(hash -> blocking(() -> {
                long now = System.currentTimeMillis();
                User u = new User("usr_" + ApiKeys.randomToken(16), link.email(), cleanName, hash, false, now, null);
                try {
                    store.join(link, u, u.userId(), now);
                } catch (TeamStore.Conflict c) {
                    throw new ApiError(409, c.getMessage());
                }
                registry.reloadIfChanged();
                log.info("event=teammate_joined user={} site={} role={}", u.userId(), link.siteId(), link.role() == null ? "operator" : link.role().wire());
                if (link.siteId() != null) audit.record(link.siteId(), Audit.Actor.user(u.userId(), u.name()), "teammate.joined", u.userId(), link.role().wire());
                return u;
            })).compose(u -> open(u, System.currentTimeMillis()));
        });
    }

    /** A link to join {@code siteId} as {@code role}, made by {@code by} whose own role there is {@code byRole}. */
    public Future<Link> invite(String siteId, String email, Role role, Audit.Actor by, Role byRole, Duration lifetime) {
        String clean = email == null ? "" : TeamRegistry.normalEmail(email);
        if (!validEmail(clean)) return Future.failedFuture(ApiError.badRequest("'email' must be an e-mail address"));
        if (role == null) return Future.failedFuture(ApiError.badRequest("'role' must be one of viewer, agent, admin, owner"));
        if (role.atLeast(Role.ADMIN) && !byRole.atLeast(Role.OWNER)) {
            return Future.failedFuture(new ApiError(403, "only an owner may invite an admin or an owner"));
        }
        User existing = registry.byEmail(clean);
        if (existing != null && registry.roles(existing.userId()).containsKey(siteId)) {
            return Future.failedFuture(new ApiError(409, "this person is on the team already; change their role instead"));
        }
        return blocking(() -> {
            Link l = makeLink(Invitation.Kind.JOIN, siteId, clean, role, createdBy(by), lifetime);
            audit.record(siteId, by, "teammate.invited", l.invitationId(), role.wire());
            return l;
        });
    }

    /** A link for a member to set a new password; only for someone the caller may manage. */
    public Future<Link> resetLink(String siteId, String userId, Audit.Actor by, Role byRole) {
        Role target = registry.roles(userId).get(siteId);
        User u = registry.user(userId);
        if (target == null || u == null) return Future.failedFuture(new ApiError(404, "no member '" + shortId(userId) + "' on this site"));
        if (target.atLeast(Role.ADMIN) && !byRole.atLeast(Role.OWNER)) {
            return Future.failedFuture(new ApiError(403, "only an owner may reset an admin's or an owner's password"));
        }
        return blocking(() -> {
            Link l = makeLink(Invitation.Kind.RESET, null, u.email(), null, createdBy(by), SETUP_LINK_LIFETIME);
            audit.record(siteId, by, "teammate.reset_link_made", userId, null);
            return l;
        });
    }

    private static String createdBy(Audit.Actor by) {
        return by.id() != null ? by.id() : by.type();
    }

    private Link makeLink(Invitation.Kind kind, String siteId, String email, Role role, String by, Duration lifetime) {
        return makeLink(store, kind, siteId, email, role, by, lifetime);
    }

    /** Blocking: a new single-use link, for the command line too. Only its token's hash is stored. */
    public static Link makeLink(TeamStore store, Invitation.Kind kind, String siteId, String email, Role role, String by, Duration lifetime) {
        String token = ApiKeys.randomToken(32);
        long now = System.currentTimeMillis();
        Invitation i = new Invitation("inv_" + ApiKeys.randomToken(16), ApiKeys.hash(token), kind, siteId, TeamRegistry.normalEmail(email), role, by, now,
                now + lifetime.toMillis(), null);
        store.createInvitation(i);
        log.info("event=link_made kind={} invitation={} site={} by={}", kind.name().toLowerCase(java.util.Locale.ROOT), i.invitationId(),
                siteId, by);
        return new Link(i.invitationId(), token, i.expiresAt());
    }

    public Future<Void> withdraw(String siteId, String invitationId, Audit.Actor by) {
        return blocking(() -> {
            if (!store.withdrawInvitation(siteId, invitationId, System.currentTimeMillis())) {
                throw new ApiError(404, "no open invitation '" + shortId(invitationId) + "' on this site");
            }
            audit.record(siteId, by, "teammate.invitation_withdrawn", invitationId, null);
            return null;
        });
    }

    /** A member's new role. Admins manage viewers and agents; owners manage everyone; a site keeps an owner. */
    public Future<Void> changeRole(String siteId, String userId, Role role, Audit.Actor by, Role byRole) {
        if (role == null) return Future.failedFuture(ApiError.badRequest("'role' must be one of viewer, agent, admin, owner"));
        Role current = registry.roles(userId).get(siteId);
        if (current == null) return Future.failedFuture(new ApiError(404, "no member '" + shortId(userId) + "' on this site"));
        if ((current.atLeast(Role.ADMIN) || role.atLeast(Role.ADMIN)) && !byRole.atLeast(Role.OWNER)) {
            return Future.failedFuture(new ApiError(403, "only an owner may make or change an admin or an owner"));
        }
        if (current == Role.OWNER && role != Role.OWNER && owners(siteId) == 1) {
            return Future.failedFuture(new ApiError(409, "a site keeps at least one owner; make someone else owner first"));
        }
        return blocking(() -> {
            store.setRole(userId, siteId, role);
            registry.reloadIfChanged();
            log.info("event=role_changed user={} site={} role={}", userId, siteId, role.wire());
            audit.record(siteId, by, "teammate.role_changed", userId, current.wire() + " -> " + role.wire());
            return null;
        });
    }

    public Future<Void> remove(String siteId, String userId, Audit.Actor by, Role byRole) {
        Role current = registry.roles(userId).get(siteId);
        if (current == null) return Future.failedFuture(new ApiError(404, "no member '" + shortId(userId) + "' on this site"));
        if (current.atLeast(Role.ADMIN) && !byRole.atLeast(Role.OWNER)) {
            return Future.failedFuture(new ApiError(403, "only an owner may remove an admin or an owner"));
        }
        if (current == Role.OWNER && owners(siteId) == 1) {
            return Future.failedFuture(new ApiError(409, "a site keeps at least one owner; make someone else owner first"));
        }
        return blocking(() -> {
            store.removeMember(userId, siteId);
            registry.reloadIfChanged();
            log.info("event=teammate_removed user={} site={}", userId, siteId);
            audit.record(siteId, by, "teammate.removed", userId, current.wire());
            return null;
        });
    }

    private long owners(String siteId) {
        return registry.members(siteId).stream().filter(m -> m.role() == Role.OWNER).count();
    }

    /** Blocking, for the demo: the demo owner with its well-known password, made once. */
    public void ensureDemoOwner(String siteId, String email, String password) {
        if (registry.byEmail(email) != null) return;
        Link l = makeLink(Invitation.Kind.JOIN, siteId, email, Role.OWNER, "demo", Duration.ofMinutes(1));
        long now = System.currentTimeMillis();
        Invitation link = store.invitation(ApiKeys.hash(l.token()));
        store.join(link, new User("usr_demo", email, "Demo Owner", Passwords.hash(password), false, now, null), "usr_demo", now);
        registry.reloadIfChanged();
    }

    static boolean validEmail(String email) {
        int at = email.indexOf('@');
        return email.length() <= MAX_EMAIL && at > 0 && at == email.lastIndexOf('@') && email.indexOf('.', at) > at + 1
                && !email.endsWith(".") && email.chars().noneMatch(ch -> ch <= ' ' || ch == '<' || ch == '>' || ch == '"');
    }

    private static String shortId(String id) {
        return id == null ? "" : id.length() > 40 ? id.substring(0, 40) : id;
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private <T> Future<T> slowly(Callable<T> work) {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            return Future.failedFuture(ApiError.unavailable("too many sign-ins at once; try again in a moment", 2));
        }
        return passwords.<T>executeBlocking(work, false).andThen(r -> waiting.decrementAndGet());
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return passwords.executeBlocking(work, false);
    }
}
