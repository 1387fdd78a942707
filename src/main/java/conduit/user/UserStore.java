package conduit.user;

import java.util.Optional;

import conduit.crypto.EmailProtection;
import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbRow;

/**
 * SQL for accounts. The email is stored encrypted and bound to its row, and found by its blind
 * index ({@link EmailProtection}); callers deal in plaintext emails only.
 */
public final class UserStore {
    private static final String COLUMNS = "id, username, email, password_hash, bio, image";

    private final Database db;
    private final EmailProtection emails;

    public UserStore(Database db, EmailProtection emails) {
        this.db = db;
        this.emails = emails;
    }

    /** Inserts the account, then seals the email under the new row's id, in one transaction. */
    public long insert(String username, String email, String passwordHash, long now) {
        String index = emails.index(email);
        return db.inTransaction(tx -> {
            long id = Rows.insertedId(tx.createInsert("""
                            INSERT INTO users (username, email, email_lookup, password_hash, created_at, updated_at)
                            VALUES (:username, '', :lookup, :hash, :now, :now)""")
                    .addParam("username", username)
                    .addParam("lookup", index)
                    .addParam("hash", passwordHash)
                    .addParam("now", now));
            tx.update("UPDATE users SET email = ? WHERE id = ?", emails.seal(email, id), id);
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

    public Optional<User> byEmail(String email) {
        return db.write(exec -> exec.get("SELECT " + COLUMNS + " FROM users WHERE email_lookup = ?", emails.index(email)).map(this::user));
    }

    public boolean usernameTaken(String username, long exceptId) {
        return db.write(exec -> exec.get("SELECT id FROM users WHERE username = ? AND id <> ?", username, exceptId).isPresent());
    }

    public boolean emailTaken(String email, long exceptId) {
        return db.write(exec -> exec.get("SELECT id FROM users WHERE email_lookup = ? AND id <> ?", emails.index(email), exceptId).isPresent());
    }

    public void update(User user, long now) {
        db.write(exec -> exec.createUpdate("""
                        UPDATE users SET username = :username, email = :email, email_lookup = :lookup,
                               password_hash = :hash, bio = :bio, image = :image, updated_at = :now
                        WHERE id = :id""")
                .addParam("username", user.username())
                .addParam("email", emails.seal(user.email(), user.id()))
                .addParam("lookup", emails.index(user.email()))
                .addParam("hash", user.passwordHash())
                .addParam("bio", user.bio())
                .addParam("image", user.image())
                .addParam("now", now)
                .addParam("id", user.id())
                .execute());
    }

    private User user(DbRow row) {
        long id = Rows.longValue(row, "id");
        return new User(id, Rows.string(row, "username"), emails.open(Rows.string(row, "email"), id),
                Rows.string(row, "password_hash"), Rows.string(row, "bio"), Rows.string(row, "image"));
    }
}
