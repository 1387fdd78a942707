package conduit.profile;

import java.util.Optional;

import conduit.common.Clock;
import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbRow;

/** SQL for profiles and follows; positional parameters (see {@code article.ArticleStore} why). */
public final class ProfileStore {
    /** A profile and the id behind it. */
    public record Found(long userId, Profile profile) {
    }

    private final Database db;

    public ProfileStore(Database db) {
        this.db = db;
    }

    public Optional<Found> byUsername(String username, long viewerId) {
        return db.read(exec -> exec.get("""
                        SELECT u.id, u.username, u.bio, u.image,
                               EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ? AND f.followee_id = u.id) AS following
                        FROM users u WHERE u.username = ?""", viewerId, username)
                .map(row -> new Found(Rows.longValue(row, "id"), profile(row, Rows.bool(row, "following")))));
    }

    /** The profile in a row's {@code username}, {@code bio} and {@code image} columns (a user's, an author's). */
    public static Profile profile(DbRow row, boolean following) {
        return new Profile(Rows.string(row, "username"), Rows.string(row, "bio"), Rows.string(row, "image"), following);
    }

    /** Idempotent: following twice is one follow. */
    public void follow(long followerId, long followeeId) {
        db.write(exec -> exec.insert("INSERT IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)",
                followerId, followeeId, Clock.now()));
    }

    public void unfollow(long followerId, long followeeId) {
        db.write(exec -> exec.delete("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", followerId, followeeId));
    }
}
