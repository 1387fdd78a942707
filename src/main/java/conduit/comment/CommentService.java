package conduit.comment;

import java.util.List;

import conduit.article.ArticleService;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.common.Page;
import conduit.common.Text;
import conduit.common.WriteEvents;
import conduit.db.SqlErrors;

/** Comments on articles. */
public final class CommentService {
    public static final int MAX_BODY = 10_000;

    private final CommentStore store;
    private final ArticleService articles;
    private final WriteEvents events;

    public CommentService(CommentStore store, ArticleService articles, WriteEvents events) {
        this.store = store;
        this.articles = articles;
        this.events = events;
    }

    /** @param requestKey the client's request key (idempotent retries), or null: see {@code ArticleService.create} */
    public Comment add(long authorId, String slug, String body, String requestKey) {
        long articleId = articles.idOf(slug);
        String text = Text.required("body", body, MAX_BODY);
        long id;
        try {
            id = store.insert(articleId, authorId, text, Clock.now(), requestKey);
        } catch (RuntimeException e) {
            if (requestKey == null || SqlErrors.duplicateKey(e).filter(m -> m.contains("request_key")).isEmpty()) {
                throw e;
            }
            // The same request committed before (its answer was lost): that comment is the answer.
            id = store.idOfRequest(requestKey).orElseThrow(() -> e);
        }
        events.commentChanged(slug);
        return store.byIdFresh(id, authorId);
    }

    public List<Comment> list(String slug, long viewerId, Page page) {
        return store.list(articles.idForReading(slug), viewerId, page);
    }

    /** The article is checked first: an unknown article is a 404 for the article, not the comment. */
    public void delete(long userId, String slug, String rawCommentId) {
        long articleId = articles.idOf(slug);
        long commentId = commentId(rawCommentId);
        long authorId = store.authorOf(articleId, commentId).orElseThrow(() -> Failure.notFound("comment"));
        if (authorId != userId) {
            throw Failure.forbidden("comment");
        }
        store.delete(commentId);
        events.commentChanged(slug);
    }

    /** Comment ids are positive integers; anything else names no comment. */
    private static long commentId(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw Failure.notFound("comment");
        }
        return Long.parseLong(raw);
    }
}
