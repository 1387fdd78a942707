package conduit.article;

import conduit.cache.PublicViews;
import conduit.common.Page;
import conduit.web.Json;

/**
 * The JSON a reader gets for articles and lists: from the public cache where its rules allow
 * ({@link PublicViews}), else from the service. The only place that joins the two, so the
 * service knows nothing of caching and the cache nothing of articles.
 *
 * <p>A signed-in viewer gets the same cached public view as an anonymous visitor, with their own
 * {@code favorited} and {@code following} laid over it ({@link PublicPage}) from their marks
 * (every id they favourited and follow), kept in this process under their id alone ({@link
 * PublicViews#viewerMarks}) and loaded again after their next favourite or follow. While a
 * viewer must see their own writes (read-your-writes), a viewer with too many marks to keep, and
 * an instance that cannot keep them ask one small query for exactly the ids on the page ({@link
 * ViewerBitsStore}), which read-your-writes sends to the writer as it does every other read.
 */
public final class ArticleViews {
    private final ArticleService articles;
    private final PublicViews views;
    private final ViewerBitsStore bits;

    public ArticleViews(ArticleService articles, PublicViews views, ViewerBitsStore bits) {
        this.articles = articles;
        this.views = views;
        this.bits = bits;
    }

    /** A page of a list (never the feed), as the viewer (0: anonymous) sees it. */
    public byte[] list(ArticleFilter filter, long viewerId, Page page) {
        long count = views.count(filter.key(), () -> articles.count(filter, 0));
        if (PublicViews.cachesListPage(filter.feed(), page)) {
            return as(viewerId, PublicPage.of(views.listPage(filter.key(), page, () -> publicListing(filter, page, count))));
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
        return as(viewerId, PublicPage.of(views.article(checked, () -> {
            Article article = articles.get(checked, 0);
            return PublicPage.store(Json.write(ArticleJson.single(article)), java.util.List.of(article));
        })));
    }

    private byte[] as(long viewerId, PublicPage page) {
        if (viewerId == 0 || page.empty()) {
            return page.anonymous();
        }
        ViewerBitsStore.Marks marks = views.viewerMarks(viewerId, () -> bits.marks(viewerId), ViewerBitsStore.Marks::bytes);
        if (marks != null) {
            return page.as(marks::favorites, marks::follows);
        }
        ViewerBitsStore.Bits mine = bits.of(viewerId, page.articleIds, page.authorIds);
        return page.as(mine.favorited()::contains, mine.followed()::contains);
    }

    private byte[] publicListing(ArticleFilter filter, Page page, long count) {
        ArticleService.Listing listing = articles.list(filter, 0, page, count);
        return PublicPage.store(Json.write(ArticleJson.Listing.of(listing)), listing.articles());
    }

    private byte[] listing(ArticleFilter filter, long viewerId, Page page, long count) {
        return Json.write(ArticleJson.Listing.of(articles.list(filter, viewerId, page, count)));
    }
}
