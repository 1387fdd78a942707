package conduit.user;

import java.util.Optional;

import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbRow;

/** SQL for accounts. */
public final class UserStore {
    private static final String COLUMNS = "id, username, email, password_hash, bio, image";

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    public long insert(String username, String email, String emailLookup, String passwordHash, long now) {
        return db.write().createInsert("""
                        INSERT INTO users (username, email, email_lookup, password_hash, created_at, updated_at)
                        VALUES (:username, :email, :lookup, :hash, :now, :now)""")
                .addParam("username", username)
                .addParam("email", email)
                .addParam("lookup", emailLookup)
                .addParam("hash", passwordHash)
                .addParam("now", now)
                .returnGeneratedKeys()
                .insert()
                .generatedKeys()
                .findFirst()
                .map(Rows::firstLong)
                .orElseThrow();
    }

    public Optional<User> byId(long id) {
        return db.read(exec -> exec.get("SELECT " + COLUMNS + " FROM users WHERE id = ?", id).map(UserStore::user));
    }

    /** Reads from the writer: used right after a write, and for login (never a stale password). */
    public Optional<User> byIdFresh(long id) {
        return db.write().get("SELECT " + COLUMNS + " FROM users WHERE id = ?", id).map(UserStore::user);
    }

    public Optional<User> byEmailLookup(String lookup) {
        return db.write().get("SELECT " + COLUMNS + " FROM users WHERE email_lookup = ?", lookup).map(UserStore::user);
    }

    public boolean usernameTaken(String username, long exceptId) {
        return db.write().get("SELECT id FROM users WHERE username = ? AND id <> ?", username, exceptId).isPresent();
    }

    public boolean emailTaken(String lookup, long exceptId) {
        return db.write().get("SELECT id FROM users WHERE email_lookup = ? AND id <> ?", lookup, exceptId).isPresent();
    }

    public void update(User user, String emailLookup, long now) {
        db.write().createUpdate("""
                        UPDATE users SET username = :username, email = :email, email_lookup = :lookup,
                               password_hash = :hash, bio = :bio, image = :image, updated_at = :now
                        WHERE id = :id""")
                .addParam("username", user.username())
                .addParam("email", user.email())
                .addParam("lookup", emailLookup)
                .addParam("hash", user.passwordHash())
                .addParam("bio", user.bio())
                .addParam("image", user.image())
                .addParam("now", now)
                .addParam("id", user.id())
                .execute();
    }

    private static User user(DbRow row) {
        return new User(Rows.longValue(row, "id"), Rows.string(row, "username"), Rows.string(row, "email"),
                Rows.string(row, "password_hash"), Rows.string(row, "bio"), Rows.string(row, "image"));
    }
}
