package conduit.viewer;

import conduit.cache.PublicViews;

/**
 * A signed-in viewer's copy of a public view ({@link PublicPage}): their own {@code favorited}
 * and {@code following} laid over it from their marks (every id they favourited and follow),
 * kept in this process under their id alone ({@link PublicViews#viewerMarks}) and loaded again
 * after their next favourite or follow. While a viewer must see their own writes
 * (read-your-writes), a viewer with too many marks to keep, and an instance that cannot keep them
 * ask one small query for exactly the ids on the page ({@link ViewerBitsStore}), which
 * read-your-writes sends to the writer as it does every other read.
 */
public final class ViewerOverlay {
    private final PublicViews views;
    private final ViewerBitsStore bits;

    public ViewerOverlay(PublicViews views, ViewerBitsStore bits) {
        this.views = views;
        this.bits = bits;
    }

    /** The view as the viewer (0: anonymous) sees it. */
    public byte[] as(long viewerId, PublicPage page) {
        if (viewerId == 0 || page.empty()) {
            return page.anonymous();
        }
        ViewerBitsStore.Marks marks = views.viewerMarks(viewerId, () -> bits.marks(viewerId), ViewerBitsStore.Marks::bytes);
        if (marks != null) {
            return page.as(marks::favorites, marks::follows);
        }
        ViewerBitsStore.Bits mine = bits.of(viewerId, page.favoritableIds(), page.authorIds());
        return page.as(mine.favorited()::contains, mine.followed()::contains);
    }
}
