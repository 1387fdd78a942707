package conduit.user;

import java.util.Objects;
import java.util.regex.Pattern;

import conduit.common.Change;
import conduit.common.ClientInfo;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.common.Identifiers;
import conduit.common.Text;
import conduit.common.WriteEvents;
import conduit.crypto.PasswordHasher;
import conduit.db.SqlErrors;
import conduit.ops.Audit;
import conduit.ratelimit.RateLimiter;
import conduit.session.SessionStore;

/**
 * Accounts: registration, login, the current user and changes to it. Usernames and emails go
 * through {@link Identifiers} (one normalisation for storage, uniqueness, look-up and limits),
 * passwords through {@link PasswordPolicy}; sign-ups and login attempts are rate-limited; a change
 * of password or email needs the current password or a recent sign-in; every such event is
 * audited ({@link Audit}).
 */
public final class UserService {
    public static final int MAX_USERNAME = 64;
    public static final int MAX_EMAIL = 254;
    public static final int MIN_PASSWORD = PasswordPolicy.MIN_LENGTH;
    public static final int MAX_PASSWORD = PasswordPolicy.MAX_LENGTH;
    public static final int MAX_BIO = 4096;
    public static final int MAX_IMAGE = 2048;
    private static final System.Logger LOG = System.getLogger(UserService.class.getName());
    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** A user with the token of the session the call created or used. */
    public record Authenticated(User user, String token) {
    }

    /** A partial update of the current user. */
    public record Changes(Change<String> username, Change<String> email, Change<String> password,
                          Change<String> bio, Change<String> image) {
    }

    /** The session a change is made in: whose, its token, and when it signed in (epoch ms). */
    public record Session(long userId, String token, long signedInAt) {
    }

    private final UserStore store;
    private final SessionStore sessions;
    private final PasswordHasher passwords;
    private final WriteEvents events;
    private final RateLimiter limiter;
    private final AccountPolicy policy;
    private final PasswordPolicy passwordPolicy;
    private final AccountLinks links;
    private final SignupTiming signupTiming = new SignupTiming();

    public UserService(UserStore store, AccountLinks links, SessionStore sessions, PasswordHasher passwords, WriteEvents events,
                       RateLimiter limiter, AccountPolicy policy) {
        this.store = store;
        this.links = links;
        this.sessions = sessions;
        this.passwords = passwords;
        this.events = events;
        this.limiter = limiter;
        this.policy = policy;
        this.passwordPolicy = PasswordPolicy.of(policy);
    }

    public Authenticated register(String username, String email, String password, ClientInfo client) {
        limiter.signup(client.address());
        username = username(username);
        email = email(email);
        password = passwordPolicy.check(password, username, email);
        // The time of the answer must not tell which emails have accounts: the password is hashed
        // before the uniqueness checks, the same work either way, and from there a refusal waits as
        // long as the rest of an accepted sign-up takes.
        String hash = passwords.hash(password);
        long start = System.nanoTime();
        long id;
        try {
            usernameFree(username, 0);
            if (store.emailTaken(email, 0)) {
                throw Failure.taken("email");
            }
            String verifiedName = username;
            String verifiedEmail = email;
            long now = Clock.now();
            try {
                // The verification link is mailed if and only if the account commits.
                id = store.insert(username, Identifiers.usernameKey(username), email, hash, now, (tx, newId) ->
                        links.verification(tx, newId, verifiedName, verifiedEmail, store.emailIndex(verifiedEmail), now));
            } catch (RuntimeException e) {
                throw duplicateOr(e);
            }
        } catch (Failure taken) {
            signupTiming.refused(start);
            throw taken;
        }
        User user = store.byIdFresh(id).orElseThrow();
        Audit.info("signup", id);
        Authenticated result = new Authenticated(user, sessions.create(id, client));
        signupTiming.accepted(start);
        return result;
    }

    public Authenticated login(String email, String password, ClientInfo client) {
        if (email == null || email.isBlank()) {
            throw Failure.blank("email");
        }
        if (password == null || password.isEmpty()) {
            throw Failure.blank("password");
        }
        email = Identifiers.clean("email", email);
        if (email.length() > MAX_EMAIL || password.length() > MAX_PASSWORD) {
            throw Failure.badCredentials();
        }
        // The account is limited under its blind index: the same key as look-up and uniqueness,
        // so no spelling of the address reaches the account with a fresh limit.
        limiter.login(store.emailIndex(email), client.address());
        User user = store.byEmail(email).orElse(null);
        // Verify even when there is no such account, so response time does not reveal which emails exist.
        boolean ok = passwords.verify(password, user == null ? null : user.passwordHash());
        if (!ok || user == null) {
            Audit.denied("login.failed", user == null ? 0 : user.id(), "account", user == null ? "unknown" : "known");
            throw Failure.badCredentials();
        }
        Audit.info("login.succeeded", user.id());
        rehashIfOutdated(user, password);
        return new Authenticated(user, sessions.create(user.id(), client));
    }

    /**
     * A hash stored with other parameters than today's (they changed; {@link PasswordHasher} says
     * why) is replaced at the account's next login, the one moment the password is known, so each
     * account pays the old parameters' cost once more at most. Best effort: the login stands if
     * the write fails, and the next login tries again.
     */
    private void rehashIfOutdated(User user, String password) {
        if (passwords.isCurrent(user.passwordHash())) {
            return;
        }
        try {
            if (store.rehash(user.id(), user.passwordHash(), passwords.hash(password))) {
                Audit.info("password.rehashed", user.id());
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "password hash of user " + user.id() + " not upgraded; the next login tries again: " + e);
        }
    }

    public User current(long userId) {
        // The session outlived the account only if the account was removed by hand: treat as signed out.
        return store.byId(userId).orElseThrow(Failure::invalidToken);
    }

    /**
     * Applies the changes. A new password or email (other than in letter case) needs proof that
     * the account holder is at the keyboard: {@code currentPassword}, or a session that signed in
     * within {@code SUDO_MINUTES}. A stolen token alone cannot take the account over.
     */
    public User update(Session session, Changes changes, String currentPassword, ClientInfo client) {
        long userId = session.userId();
        User old = store.byIdFresh(userId).orElseThrow(Failure::invalidToken);
        String username = changes.username().present() ? username(changes.username().value()) : old.username();
        String email = changes.email().present() ? email(changes.email().value()) : old.email();
        // Stored emails are compared by key, never cleaned: a row written before the character
        // rules existed keeps working.
        boolean emailChanged = !Identifiers.emailKey(email).equals(Identifiers.emailKey(old.email()));
        boolean passwordChanged = changes.password().present();
        if (emailChanged || passwordChanged) {
            reauthenticate(old, session, currentPassword, client);
        }
        String hash = passwordChanged
                ? passwords.hash(passwordPolicy.check(changes.password().value(), username, email))
                : old.passwordHash();
        String bio = Text.bounded("bio", Text.blankToNull(changes.bio().or(old.bio())), MAX_BIO);
        String image = image(Text.blankToNull(changes.image().or(old.image())));
        boolean usernameChanged = !username.equals(old.username());
        if (usernameChanged) {
            usernameFree(username, userId);
        }
        if (emailChanged && store.emailTaken(email, userId)) {
            throw Failure.taken("email");
        }
        User updated = new User(userId, username, email, hash, bio, image, !emailChanged && old.emailVerified());
        long now = Clock.now();
        try {
            store.update(updated, Identifiers.usernameKey(username), now, (tx, id) -> {
                if (passwordChanged || emailChanged) {
                    links.voidResets(tx, id, now);
                }
                if (emailChanged) {
                    // The change takes effect at once (the RealWorld contract); the new address is
                    // asked to prove itself, and the old one is told, with a link that undoes it.
                    links.verification(tx, id, username, email, store.emailIndex(email), now);
                    links.emailChanged(tx, id, old.username(), old.email(), store.sealedEmail(old), store.emailIndex(old.email()),
                            now);
                }
            });
        } catch (RuntimeException e) {
            throw duplicateOr(e);
        }
        if (passwordChanged) {
            int ended = sessions.revokeOthers(userId, session.token());
            Audit.info("password.changed", userId, "otherSessionsEnded", ended);
        }
        if (emailChanged) {
            Audit.info("email.changed", userId);
        }
        if (usernameChanged) {
            Audit.info("username.changed", userId);
        }
        if (usernameChanged || !Objects.equals(bio, old.bio()) || !Objects.equals(image, old.image())) {
            events.profileChanged(userId);
        }
        return updated;
    }

    public void logout(long userId, String token) {
        sessions.revoke(token);
        Audit.info("session.revoked", userId, "scope", "logout");
    }

    /**
     * Proof that the account holder is at the keyboard, for actions a stolen token must not take
     * alone (ending the user's other sessions): as for a password change.
     */
    public void reauthenticate(Session session, String currentPassword, ClientInfo client) {
        reauthenticate(store.byIdFresh(session.userId()).orElseThrow(Failure::invalidToken), session, currentPassword, client);
    }

    /**
     * The proof a sensitive change needs: the current password (limited like a login on the
     * account, so a stolen token cannot guess it quickly), or a sign-in within the sudo window.
     */
    private void reauthenticate(User user, Session session, String currentPassword, ClientInfo client) {
        if (currentPassword != null && !currentPassword.isEmpty()) {
            limiter.login(store.emailIndex(user.email()), client.address());
            if (currentPassword.length() > MAX_PASSWORD || !passwords.verify(currentPassword, user.passwordHash())) {
                Audit.denied("reauth.failed", user.id(), "reason", "wrong password");
                throw new Failure(Failure.Kind.FORBIDDEN, "currentPassword", "is incorrect");
            }
            return;
        }
        long age = Clock.now() - session.signedInAt();
        if (age < 0 || age > policy.sudo().toMillis()) {
            Audit.denied("reauth.failed", user.id(), "reason", "missing");
            throw new Failure(Failure.Kind.FORBIDDEN, "currentPassword",
                    "is required for this change (or sign in again)");
        }
    }

    /** 409 when the username, or one that looks like it, belongs to another account. */
    private void usernameFree(String username, long exceptId) {
        store.usernameClash(username, Identifiers.usernameKey(username), exceptId).ifPresent(existing -> {
            if (existing.equals(username)) {
                throw Failure.taken("username");
            }
            throw new Failure(Failure.Kind.CONFLICT, "username", "is too similar to a username that is already taken");
        });
    }

    private static String username(String value) {
        String username = Text.required("username", Identifiers.clean("username", value), MAX_USERNAME);
        if (!USERNAME.matcher(username).matches()) {
            throw Failure.invalid("username", "may contain only letters, digits, '_', '.' and '-'");
        }
        if (Identifiers.mixesScripts(username)) {
            throw Failure.invalid("username", "mixes scripts that look alike (such as Latin and Cyrillic letters)");
        }
        return username;
    }

    /** A cleaned, well-formed email, or 422 {@code email}. */
    static String email(String value) {
        String email = Text.required("email", Identifiers.clean("email", value), MAX_EMAIL);
        if (!EMAIL.matcher(email).matches()) {
            throw Failure.invalid("email", "is invalid");
        }
        return email;
    }

    private static String image(String value) {
        Text.bounded("image", value, MAX_IMAGE);
        if (value != null && !(value.startsWith("https://") || value.startsWith("http://") || value.startsWith("/"))) {
            throw Failure.invalid("image", "must be an http(s) URL");
        }
        return value;
    }

    /** A concurrent registration won the race to a unique key: report it as the 409 it is. */
    private static RuntimeException duplicateOr(RuntimeException e) {
        return SqlErrors.duplicateKey(e)
                .<RuntimeException>map(msg -> Failure.taken(msg.contains("email") ? "email" : "username"))
                .orElse(e);
    }
}
