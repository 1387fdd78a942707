package conduit.user;

import java.util.List;
import java.util.Optional;

import conduit.crypto.EmailProtection;
import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * SQL for accounts. The email is stored encrypted and bound to its row, and found by its blind
 * index ({@link EmailProtection}); callers deal in plaintext emails only. Usernames are unique by
 * their look-alike key ({@code username_key}, see {@code Identifiers.usernameKey}) as well as
 * byte for byte.
 *
 * <p>Expand phase (V5): rows written by earlier releases may lack {@code username_key} (filled by
 * {@link IdentifierBackfill}) and may hold an email index computed under the earlier
 * normalisation, so look-ups by email try both indexes and move a row found under the old one
 * to the new one.
 */
public final class UserStore {
    private static final String COLUMNS = "id, username, email, email_lookup, password_hash, bio, image, email_verified";

    /** A row that still needs its username key. */
    record Unkeyed(long id, String username) {
    }

    /** Work that commits or rolls back with an account's write (the mail the write causes). */
    @FunctionalInterface
    public interface AlsoInTransaction {
        AlsoInTransaction NOTHING = (tx, userId) -> { };

        void run(DbExecute tx, long userId);
    }

    private final Database db;
    private final EmailProtection emails;

    public UserStore(Database db, EmailProtection emails) {
        this.db = db;
        this.emails = emails;
    }

    /** Inserts the account, then seals the email under the new row's id, then runs {@code also}, in one transaction. */
    public long insert(String username, String usernameKey, String email, String passwordHash, long now,
                       AlsoInTransaction also) {
        String index = emails.index(email);
        return db.inTransaction(tx -> {
            long id = Rows.insertedId(tx.createInsert("""
                            INSERT INTO users (username, username_key, email, email_lookup, password_hash, created_at, updated_at)
                            VALUES (:username, :key, '', :lookup, :hash, :now, :now)""")
                    .addParam("username", username)
                    .addParam("key", usernameKey)
                    .addParam("lookup", index)
                    .addParam("hash", passwordHash)
                    .addParam("now", now));
            tx.update("UPDATE users SET email = ? WHERE id = ?", emails.seal(email, id), id);
            also.run(tx, id);
            return id;
        });
    }

    public Optional<User> byId(long id) {
        return db.read(exec -> exec.get("SELECT " + COLUMNS + " FROM users WHERE id = ?", id).map(this::user));
    }

    /** Reads from the writer: used right after a write, and for login (never a stale password). */
    public Optional<User> byIdFresh(long id) {
        return db.write(exec -> exec.get("SELECT " + COLUMNS + " FROM users WHERE id = ?", id).map(this::user));
    }

    /** The blind index an email is looked up and limited under. */
    public String emailIndex(String email) {
        return emails.index(email);
    }

    /**
     * The account with this email, found under its index or (a row of an earlier release) its
     * legacy index; a row found under the legacy one is moved to the current one on the way.
     */
    public Optional<User> byEmail(String email) {
        String index = emails.index(email);
        String legacy = emails.legacyIndex(email);
        if (index.equals(legacy)) {
            return db.write(exec -> exec.get("SELECT " + COLUMNS + " FROM users WHERE email_lookup = ?", index).map(this::user));
        }
        List<DbRow> rows = db.write(exec -> exec.query("SELECT " + COLUMNS + " FROM users WHERE email_lookup IN (?, ?)",
                index, legacy).toList());
        DbRow row = rows.stream().filter(r -> index.equals(Rows.string(r, "email_lookup"))).findFirst()
                .orElse(rows.isEmpty() ? null : rows.get(0));
        if (row == null) {
            return Optional.empty();
        }
        User user = user(row);
        if (!index.equals(Rows.string(row, "email_lookup"))) {
            try {
                db.write(exec -> exec.update("UPDATE users SET email_lookup = ? WHERE id = ? AND email_lookup = ?",
                        index, user.id(), legacy));
            } catch (RuntimeException e) {
                // Another row already holds the new index (two old accounts that the new rule makes
                // one): leave both as they are; this one is still found under its legacy index.
                System.getLogger(UserStore.class.getName()).log(System.Logger.Level.WARNING,
                        "users.id " + user.id() + ": email index not moved to the current normalisation: " + e.getMessage());
            }
        }
        return Optional.of(user);
    }

    /** The username of another account that has this username or one that looks like it. */
    public Optional<String> usernameClash(String username, String usernameKey, long exceptId) {
        return db.write(exec -> exec.get("SELECT username FROM users WHERE (username_key = ? OR username = ?) AND id <> ?",
                usernameKey, username, exceptId).map(row -> Rows.string(row, "username")));
    }

    public boolean emailTaken(String email, long exceptId) {
        return db.write(exec -> exec.get("SELECT id FROM users WHERE email_lookup IN (?, ?) AND id <> ?",
                emails.index(email), emails.legacyIndex(email), exceptId).isPresent());
    }

    /**
     * Writes the account's fields, and {@code also}, in one transaction. A row whose email changes
     * is unverified again.
     */
    public void update(User user, String usernameKey, long now, AlsoInTransaction also) {
        db.inTransaction(tx -> {
            tx.createUpdate("""
                            UPDATE users SET username = :username, username_key = :key, email = :email, email_lookup = :lookup,
                                   email_verified = :verified, password_hash = :hash, bio = :bio, image = :image, updated_at = :now
                            WHERE id = :id""")
                    .addParam("username", user.username())
                    .addParam("key", usernameKey)
                    .addParam("email", emails.seal(user.email(), user.id()))
                    .addParam("lookup", emails.index(user.email()))
                    .addParam("verified", user.emailVerified())
                    .addParam("hash", user.passwordHash())
                    .addParam("bio", user.bio())
                    .addParam("image", user.image())
                    .addParam("now", now)
                    .addParam("id", user.id())
                    .execute();
            also.run(tx, user.id());
            return null;
        });
    }

    /** The email as stored in the user's row (sealed, bound to the row): kept to put it back later. */
    String sealedEmail(User user) {
        return emails.seal(user.email(), user.id());
    }

    /**
     * Replaces the account's password hash with one of the same password at today's parameters,
     * unless it changed meanwhile (a new password set at the same moment wins). No other field
     * changes, {@code updated_at} included: the account holder changed nothing.
     *
     * @return whether the row had {@code expected} and now has {@code replacement}
     */
    boolean rehash(long id, String expected, String replacement) {
        return db.write(exec -> exec.update("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?",
                replacement, id, expected)) == 1;
    }

    /**
     * A new password chosen through a link mailed to the account's address, which the link thereby
     * proves too.
     */
    void resetPassword(DbExecute tx, long id, String passwordHash, long now) {
        tx.update("UPDATE users SET password_hash = ?, email_verified = TRUE, updated_at = ? WHERE id = ?", passwordHash, now, id);
    }

    /** Marks the address verified, if it is still the one the link was sent to; false when it is not. */
    boolean markVerified(DbExecute tx, long id, String emailIndex, long now) {
        return tx.update("UPDATE users SET email_verified = TRUE, updated_at = ? WHERE id = ? AND email_lookup = ?",
                now, id, emailIndex) == 1;
    }

    /**
     * Puts back a previous address in its stored forms (it is proven: the link went to it); false
     * when another account holds it now.
     */
    boolean restoreEmail(DbExecute tx, long id, String sealedEmail, String emailIndex, long now) {
        if (tx.get("SELECT id FROM users WHERE email_lookup = ? AND id <> ?", emailIndex, id).isPresent()) {
            return false;
        }
        tx.update("UPDATE users SET email = ?, email_lookup = ?, email_verified = TRUE, updated_at = ? WHERE id = ?",
                sealedEmail, emailIndex, now, id);
        return true;
    }

    /** Up to {@code limit} rows without a username key, after {@code afterId}. */
    List<Unkeyed> unkeyed(long afterId, int limit) {
        return db.write(exec -> exec.query("SELECT id, username FROM users WHERE username_key IS NULL AND id > ? ORDER BY id LIMIT ?",
                afterId, limit).map(row -> new Unkeyed(Rows.longValue(row, "id"), Rows.string(row, "username"))).toList());
    }

    /** Sets a row's username key if it has none; throws on a clash with another row's key. */
    boolean setUsernameKey(long id, String key) {
        return db.write(exec -> exec.update("UPDATE users SET username_key = ? WHERE id = ? AND username_key IS NULL", key, id)) == 1;
    }

    private User user(DbRow row) {
        long id = Rows.longValue(row, "id");
        return new User(id, Rows.string(row, "username"), emails.open(Rows.string(row, "email"), id),
                Rows.string(row, "password_hash"), Rows.string(row, "bio"), Rows.string(row, "image"),
                Rows.bool(row, "email_verified"));
    }
}
