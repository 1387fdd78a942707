package conduit.article;

import conduit.db.Database;

/** SQL for favourites. Both writes are idempotent: favouriting twice is one favourite. Positional parameters: see {@link ArticleStore}. */
public final class FavoriteStore {
    private final Database db;

    public FavoriteStore(Database db) {
        this.db = db;
    }

    public void favorite(long userId, long articleId, long now) {
        db.write(exec -> exec.insert("INSERT IGNORE INTO favorites (user_id, article_id, created_at) VALUES (?, ?, ?)",
                userId, articleId, now));
    }

    public void unfavorite(long userId, long articleId) {
        db.write(exec -> exec.delete("DELETE FROM favorites WHERE user_id = ? AND article_id = ?", userId, articleId));
    }
}
