package conduit.comment;

import java.util.List;
import java.util.Map;

import conduit.article.ArticleService;
import conduit.cache.PublicViews;
import conduit.common.Page;
import conduit.viewer.PublicPage;
import conduit.viewer.ViewerOverlay;
import conduit.web.Json;

/**
 * The JSON a reader gets for an article's comments: the public page from the cache (the first
 * pages, as for lists), with the viewer's {@code following} of each comment's author laid over it
 * ({@link ViewerOverlay}); pages further on from the service, per viewer.
 */
public final class CommentViews {
    private final CommentService comments;
    private final PublicViews views;
    private final ViewerOverlay overlay;

    public CommentViews(CommentService comments, PublicViews views, ViewerOverlay overlay) {
        this.comments = comments;
        this.views = views;
        this.overlay = overlay;
    }

    /** A page of the article's comments, as the viewer (0: anonymous) sees it. */
    public byte[] list(String slug, long viewerId, Page page) {
        if (!PublicViews.cachesCommentPage(page)) {
            return json(comments.list(slug, viewerId, page));
        }
        String checked = ArticleService.checkedSlug(slug); // no cache look-up for a slug that cannot exist
        return overlay.as(viewerId, PublicPage.of(views.comments(checked, page, () -> {
            List<Comment> shown = comments.list(checked, 0, page);
            return PublicPage.store(json(shown), shown, Comment::id, Comment::authorId, false);
        })));
    }

    private static byte[] json(List<Comment> shown) {
        return Json.write(Map.of("comments", shown.stream().map(CommentRoutes.CommentJson::of).toList()));
    }
}
