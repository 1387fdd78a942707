package conduit.article;

import conduit.cache.PublicViews;
import conduit.common.Page;
import conduit.web.Json;

/**
 * The JSON a reader gets for articles and lists: from the public cache where its rules allow
 * ({@link PublicViews}), else from the service. The only place that joins the two, so the
 * service knows nothing of caching and the cache nothing of articles.
 */
public final class ArticleViews {
    private final ArticleService articles;
    private final PublicViews views;

    public ArticleViews(ArticleService articles, PublicViews views) {
        this.articles = articles;
        this.views = views;
    }

    /** A page of a list (never the feed), as the viewer (0: anonymous) sees it. */
    public byte[] list(ArticleFilter filter, long viewerId, Page page) {
        long count = views.count(filter.key(), () -> articles.count(filter, 0));
        if (PublicViews.cachesListPage(filter.equals(ArticleFilter.ALL), viewerId, page)) {
            return views.listPage(page, () -> listing(filter, 0, page, count));
        }
        return listing(filter, viewerId, page, count);
    }

    /** A page of the viewer's feed: per viewer, never cached. */
    public byte[] feed(long viewerId, Page page) {
        return listing(ArticleFilter.FEED, viewerId, page, articles.count(ArticleFilter.FEED, viewerId));
    }

    /** One article; the anonymous view through the cache, since it has no per-user fields to leak. */
    public byte[] article(String slug, long viewerId) {
        if (viewerId == 0) {
            String checked = ArticleService.checkedSlug(slug); // no cache look-up for a slug that cannot exist
            return views.article(checked, () -> Json.write(ArticleJson.single(articles.get(checked, 0))));
        }
        return Json.write(ArticleJson.single(articles.get(slug, viewerId)));
    }

    private byte[] listing(ArticleFilter filter, long viewerId, Page page, long count) {
        return Json.write(ArticleJson.Listing.of(articles.list(filter, viewerId, page, count)));
    }
}
