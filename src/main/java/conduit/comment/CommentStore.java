package conduit.comment;

import java.util.List;
import java.util.Optional;

import conduit.common.Page;
import conduit.db.Database;
import conduit.db.Rows;
import conduit.profile.Profile;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** SQL for comments. */
public final class CommentStore {
    private static final String SELECT = """
            SELECT c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
                   EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = c.author_id AND fo.follower_id = :viewer) AS following
            FROM comments c JOIN users u ON u.id = c.author_id
            """;

    private final Database db;

    public CommentStore(Database db) {
        this.db = db;
    }

    public long insert(long articleId, long authorId, String body, long now, String requestKey) {
        return db.write(exec -> Rows.insertedId(exec.createInsert("""
                        INSERT INTO comments (article_id, author_id, body, created_at, updated_at, request_key)
                        VALUES (:article, :author, :body, :now, :now, :key)""")
                .addParam("key", requestKey)
                .addParam("article", articleId)
                .addParam("author", authorId)
                .addParam("body", body)
                .addParam("now", now)));
    }

    /** The comment a request created, from the writer (for its retry). */
    public Optional<Long> idOfRequest(String requestKey) {
        return db.write(exec -> exec.get("SELECT id FROM comments WHERE request_key = ?", requestKey)
                .map(r -> Rows.longValue(r, "id")));
    }

    /** Oldest first, as a conversation reads. */
    public List<Comment> list(long articleId, long viewerId, Page page) {
        return db.read(exec -> exec.createQuery(SELECT + "WHERE c.article_id = :article ORDER BY c.id LIMIT :limit OFFSET :offset")
                .addParam("viewer", viewerId)
                .addParam("article", articleId)
                .addParam("limit", page.limit())
                .addParam("offset", page.offset())
                .execute()
                .map(CommentStore::comment)
                .toList());
    }

    /** Read from the writer: the answer to a write must show that write. */
    public Comment byIdFresh(long id, long viewerId) {
        return db.write(exec -> byId(exec, id, viewerId)).orElseThrow();
    }

    private static Optional<Comment> byId(DbExecute exec, long id, long viewerId) {
        return exec.createGet(SELECT + "WHERE c.id = :id")
                .addParam("viewer", viewerId)
                .addParam("id", id)
                .execute()
                .map(CommentStore::comment);
    }

    /** The comment's author, when the comment exists on that article. */
    public Optional<Long> authorOf(long articleId, long commentId) {
        return db.write(exec -> exec.get("SELECT author_id FROM comments WHERE id = ? AND article_id = ?", commentId, articleId)
                .map(r -> Rows.longValue(r, "author_id")));
    }

    public void delete(long commentId) {
        db.write(exec -> exec.createDelete("DELETE FROM comments WHERE id = :id").addParam("id", commentId).execute());
    }

    private static Comment comment(DbRow r) {
        return new Comment(Rows.longValue(r, "id"), Rows.string(r, "body"), Rows.longValue(r, "created_at"),
                Rows.longValue(r, "updated_at"), new Profile(Rows.string(r, "username"), Rows.string(r, "bio"),
                Rows.string(r, "image"), Rows.bool(r, "following")));
    }
}
