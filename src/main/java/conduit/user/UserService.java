package conduit.user;

import java.util.regex.Pattern;

import conduit.common.Change;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.common.Text;
import conduit.common.WriteEvents;
import conduit.crypto.BlindIndex;
import conduit.crypto.PasswordHasher;
import conduit.db.SqlErrors;
import conduit.session.SessionStore;

/** Accounts: registration, login, the current user and changes to it. */
public final class UserService {
    public static final int MAX_USERNAME = 64;
    public static final int MAX_EMAIL = 254;
    public static final int MIN_PASSWORD = 8;
    /** NIST 800-63B asks for at least 64; the cap only bounds hashing work. */
    public static final int MAX_PASSWORD = 256;
    public static final int MAX_BIO = 4096;
    public static final int MAX_IMAGE = 2048;
    private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}_.\\-]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    /** A user with the token of the session the call created or used. */
    public record Authenticated(User user, String token) {
    }

    /** A partial update of the current user. */
    public record Changes(Change<String> username, Change<String> email, Change<String> password,
                          Change<String> bio, Change<String> image) {
    }

    private final UserStore store;
    private final SessionStore sessions;
    private final PasswordHasher passwords;
    private final WriteEvents events;

    public UserService(UserStore store, SessionStore sessions, PasswordHasher passwords, WriteEvents events) {
        this.store = store;
        this.sessions = sessions;
        this.passwords = passwords;
        this.events = events;
    }

    public Authenticated register(String username, String email, String password) {
        username = username(username);
        email = email(email);
        password = password(password);
        if (store.usernameTaken(username, 0)) {
            throw Failure.taken("username");
        }
        if (store.emailTaken(email, 0)) {
            throw Failure.taken("email");
        }
        long id;
        try {
            id = store.insert(username, email, passwords.hash(password), Clock.now());
        } catch (RuntimeException e) {
            throw duplicateOr(e);
        }
        User user = store.byIdFresh(id).orElseThrow();
        return new Authenticated(user, sessions.create(id));
    }

    public Authenticated login(String email, String password) {
        if (email == null || email.isBlank()) {
            throw Failure.blank("email");
        }
        if (password == null || password.isEmpty()) {
            throw Failure.blank("password");
        }
        if (email.length() > MAX_EMAIL || password.length() > MAX_PASSWORD) {
            throw Failure.badCredentials();
        }
        User user = store.byEmail(email).orElse(null);
        // Verify even when there is no such account, so response time does not reveal which emails exist.
        boolean ok = passwords.verify(password, user == null ? null : user.passwordHash());
        if (!ok || user == null) {
            throw Failure.badCredentials();
        }
        return new Authenticated(user, sessions.create(user.id()));
    }

    public User current(long userId) {
        // The session outlived the account only if the account was removed by hand: treat as signed out.
        return store.byId(userId).orElseThrow(Failure::invalidToken);
    }

    public User update(long userId, String currentToken, Changes changes) {
        User old = store.byIdFresh(userId).orElseThrow(Failure::invalidToken);
        String username = changes.username().present() ? username(changes.username().value()) : old.username();
        String email = changes.email().present() ? email(changes.email().value()) : old.email();
        boolean passwordChanged = changes.password().present();
        String hash = passwordChanged ? passwords.hash(password(changes.password().value())) : old.passwordHash();
        String bio = Text.bounded("bio", Text.blankToNull(changes.bio().or(old.bio())), MAX_BIO);
        String image = image(Text.blankToNull(changes.image().or(old.image())));
        if (!username.equals(old.username()) && store.usernameTaken(username, userId)) {
            throw Failure.taken("username");
        }
        // The same address in other letter case is no change: the blind index normalises it away.
        if (!BlindIndex.normaliseEmail(email).equals(BlindIndex.normaliseEmail(old.email())) && store.emailTaken(email, userId)) {
            throw Failure.taken("email");
        }
        User updated = new User(userId, username, email, hash, bio, image);
        try {
            store.update(updated, Clock.now());
        } catch (RuntimeException e) {
            throw duplicateOr(e);
        }
        if (passwordChanged) {
            sessions.revokeOthers(userId, currentToken);
        }
        if (!username.equals(old.username()) || !java.util.Objects.equals(bio, old.bio())
                || !java.util.Objects.equals(image, old.image())) {
            events.profileChanged(userId);
        }
        return updated;
    }

    public void logout(String token) {
        sessions.revoke(token);
    }

    private static String username(String value) {
        String username = Text.required("username", value, MAX_USERNAME);
        if (!USERNAME.matcher(username).matches()) {
            throw Failure.invalid("username", "may contain only letters, digits, '_', '.' and '-'");
        }
        return username;
    }

    private static String email(String value) {
        String email = Text.required("email", value, MAX_EMAIL).strip();
        if (!EMAIL.matcher(email).matches()) {
            throw Failure.invalid("email", "is invalid");
        }
        return email;
    }

    private static String password(String value) {
        if (value == null || value.isEmpty()) {
            throw Failure.blank("password");
        }
        if (value.length() < MIN_PASSWORD) {
            throw Failure.invalid("password", "is too short (minimum is " + MIN_PASSWORD + " characters)");
        }
        return Text.bounded("password", value, MAX_PASSWORD);
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
