package conduit.comment;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import conduit.common.Page;
import conduit.db.Database;
import conduit.db.Rows;
import conduit.profile.ProfileStore;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** SQL for comments; positional parameters (see {@code article.ArticleStore} why). */
public final class CommentStore {
    private static final String SELECT = """
            SELECT c.id, c.author_id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
                   EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = c.author_id AND fo.follower_id = ?) AS following
            FROM comments c JOIN users u ON u.id = c.author_id
            """;

    private final Database db;

    public CommentStore(Database db) {
        this.db = db;
    }

    public long insert(long articleId, long authorId, String body, long now, String requestKey) {
        return db.write(exec -> Rows.insertedId(exec.createInsert("""
                        INSERT INTO comments (article_id, author_id, body, created_at, updated_at, request_key)
                        VALUES (?, ?, ?, ?, ?, ?)""")
                .params(articleId, authorId, body, now, now, requestKey)));
    }

    /** The comment a request created, from the writer (for its retry). */
    public Optional<Long> idOfRequest(String requestKey) {
        return db.write(exec -> exec.get("SELECT id FROM comments WHERE request_key = ?", requestKey)
                .map(r -> Rows.longValue(r, "id")));
    }

    /** Oldest first, as a conversation reads. */
    public List<Comment> list(long articleId, long viewerId, Page page) {
        return db.read(exec -> {
            try (Stream<DbRow> rows = exec.query(SELECT + "WHERE c.article_id = ? ORDER BY c.id LIMIT ? OFFSET ?",
                    viewerId, articleId, page.limit(), page.offset())) {
                return rows.map(CommentStore::comment).toList();
            }
        });
    }

    /** Read from the writer: the answer to a write must show that write. */
    public Comment byIdFresh(long id, long viewerId) {
        return db.write(exec -> byId(exec, id, viewerId)).orElseThrow();
    }

    private static Optional<Comment> byId(DbExecute exec, long id, long viewerId) {
        return exec.get(SELECT + "WHERE c.id = ?", viewerId, id).map(CommentStore::comment);
    }

    /** The comment's author, when the comment exists on that article. */
    public Optional<Long> authorOf(long articleId, long commentId) {
        return db.write(exec -> exec.get("SELECT author_id FROM comments WHERE id = ? AND article_id = ?", commentId, articleId)
                .map(r -> Rows.longValue(r, "author_id")));
    }

    public void delete(long commentId) {
        db.write(exec -> exec.delete("DELETE FROM comments WHERE id = ?", commentId));
    }

    private static Comment comment(DbRow r) {
        return new Comment(Rows.longValue(r, "id"), Rows.longValue(r, "author_id"), Rows.string(r, "body"), Rows.longValue(r, "created_at"),
                Rows.longValue(r, "updated_at"), ProfileStore.profile(r, Rows.bool(r, "following")));
    }
}
