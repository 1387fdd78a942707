package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import conduit.common.Page;
import conduit.common.WriteEvents;

/**
 * The rules of the query cache, all in one place: which public views are cached, under which key
 * and scope, and which scopes each write makes stale. Only what an anonymous visitor sees is
 * cached (per-user fields such as {@code favorited} and {@code following} never go in); a view
 * is the response's JSON, loaded by the caller.
 *
 * <table>
 * <caption>What each write invalidates</caption>
 * <tr><th>write</th><th>stale</th><th>why</th></tr>
 * <tr><td>article created</td><td>lists, tags</td><td>a new first item and count; maybe new tags</td></tr>
 * <tr><td>article edited or deleted</td><td>its article, lists, tags</td><td>its title/description show in lists</td></tr>
 * <tr><td>favourite added or removed</td><td>its article, lists</td><td>{@code favoritesCount} shows in both</td></tr>
 * <tr><td>profile changed</td><td>everything</td><td>the author's profile is embedded in every article view</td></tr>
 * <tr><td>comment, follow</td><td>nothing</td><td>comments are not cached; {@code following} is per viewer</td></tr>
 * </table>
 */
public final class PublicViews implements WriteEvents {
    /** Anonymous views of the global list are cached up to this offset (the pages people read). */
    static final int CACHED_OFFSETS = 100;

    private final ViewCache cache;

    public PublicViews(ViewCache cache) {
        this.cache = cache;
    }

    /** {@code {"tags":[...]}}: the same for everyone. */
    public byte[] tags(Supplier<byte[]> load) {
        return cache.get("tags", Scopes.TAGS, load);
    }

    /** One article as an anonymous visitor sees it. */
    public byte[] article(String slug, Supplier<byte[]> load) {
        return cache.get("article:" + slug, Scopes.article(slug), load);
    }

    /** True for the list pages {@link #listPage} caches: the global list's first pages, seen anonymously. */
    public static boolean cachesListPage(boolean globalList, long viewerId, Page page) {
        return globalList && viewerId == 0 && page.offset() < CACHED_OFFSETS;
    }

    /** A page of the global list as an anonymous visitor sees it. */
    public byte[] listPage(Page page, Supplier<byte[]> load) {
        return cache.get("articles:" + page.limit() + ":" + page.offset(), Scopes.LISTS, load);
    }

    /**
     * How many articles match a filter (the same for every viewer; not for a feed). COUNT(*) reads
     * every matching index entry, so it is cached with the lists and invalidated with them.
     */
    public long count(String filterKey, LongSupplier load) {
        byte[] json = cache.get("count:" + filterKey, Scopes.LISTS,
                () -> Long.toString(load.getAsLong()).getBytes(StandardCharsets.US_ASCII));
        return Long.parseLong(new String(json, StandardCharsets.US_ASCII));
    }

    @Override
    public void articleCreated(long authorId) {
        cache.invalidate(Scopes.LISTS, Scopes.TAGS);
    }

    @Override
    public void articleEdited(String slug) {
        cache.invalidate(Scopes.LISTS, Scopes.TAGS, Scopes.article(slug));
    }

    @Override
    public void articleDeleted(String slug) {
        cache.invalidate(Scopes.LISTS, Scopes.TAGS, Scopes.article(slug));
    }

    @Override
    public void favoriteChanged(long userId, String slug) {
        cache.invalidate(Scopes.LISTS, Scopes.article(slug));
    }

    @Override
    public void followChanged(long followerId, long followeeId) {
        // Nothing cached shows who follows whom.
    }

    @Override
    public void commentChanged(String slug) {
        // Comments are not cached.
    }

    @Override
    public void profileChanged(long userId) {
        cache.invalidateAll();
    }
}
