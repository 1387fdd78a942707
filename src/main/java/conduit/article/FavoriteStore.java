package conduit.article;

import conduit.db.Database;

/** SQL for favourites. Both writes are idempotent: favouriting twice is one favourite. */
public final class FavoriteStore {
    private final Database db;

    public FavoriteStore(Database db) {
        this.db = db;
    }

    public void favorite(long userId, long articleId, long now) {
        db.write(exec -> exec.createInsert("INSERT IGNORE INTO favorites (user_id, article_id, created_at) VALUES (:u, :a, :now)")
                .addParam("u", userId).addParam("a", articleId).addParam("now", now).execute());
    }

    public void unfavorite(long userId, long articleId) {
        db.write(exec -> exec.createDelete("DELETE FROM favorites WHERE user_id = :u AND article_id = :a")
                .addParam("u", userId).addParam("a", articleId).execute());
    }
}
