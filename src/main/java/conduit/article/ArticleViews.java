package conduit.article;

import java.util.List;

import conduit.cache.PublicViews;
import conduit.common.Page;
import conduit.viewer.PublicPage;
import conduit.viewer.ViewerOverlay;
import conduit.web.Json;

/**
 * The JSON a reader gets for articles and lists: from the public cache where its rules allow
 * ({@link PublicViews}), else from the service. The only place that joins the two for articles,
 * so the service knows nothing of caching and the cache nothing of articles. A signed-in viewer
 * gets the same cached public view as an anonymous visitor, with their own bits laid over it
 * ({@link ViewerOverlay}).
 */
public final class ArticleViews {
    private final ArticleService articles;
    private final PublicViews views;
    private final ViewerOverlay overlay;

    public ArticleViews(ArticleService articles, PublicViews views, ViewerOverlay overlay) {
        this.articles = articles;
        this.views = views;
        this.overlay = overlay;
    }

    /** A page of a list (never the feed), as the viewer (0: anonymous) sees it. */
    public byte[] list(ArticleFilter filter, long viewerId, Page page) {
        long count = views.count(filter.key(), filter.favoritedBy() != null, filter.tagAlone(), () -> articles.count(filter, 0));
        if (PublicViews.cachesListPage(filter.feed(), page)) {
            return overlay.as(viewerId, PublicPage.of(views.listPage(filter.key(), filter.filtered(), filter.tagAlone(), page,
                    () -> publicListing(filter, page, count))));
        }
        return listing(filter, viewerId, page, count);
    }

    /** A page of the viewer's feed: per viewer, never cached. */
    public byte[] feed(long viewerId, Page page) {
        return listing(ArticleFilter.FEED, viewerId, page, articles.count(ArticleFilter.FEED, viewerId));
    }

    /** One article: its public view through the cache, with the viewer's bits laid over it. */
    public byte[] article(String slug, long viewerId) {
        String checked = ArticleService.checkedSlug(slug); // no cache look-up for a slug that cannot exist
        return overlay.as(viewerId, PublicPage.of(views.article(checked, () -> {
            Article article = articles.get(checked, 0);
            return PublicPage.store(Json.write(ArticleJson.single(article)), List.of(article), Article::id, Article::authorId, true);
        })));
    }

    private byte[] publicListing(ArticleFilter filter, Page page, long count) {
        ArticleService.Listing listing = articles.list(filter, 0, page, count);
        return PublicPage.store(Json.write(ArticleJson.Listing.of(listing)), listing.articles(), Article::id, Article::authorId, true);
    }

    private byte[] listing(ArticleFilter filter, long viewerId, Page page, long count) {
        return Json.write(ArticleJson.Listing.of(articles.list(filter, viewerId, page, count)));
    }
}
