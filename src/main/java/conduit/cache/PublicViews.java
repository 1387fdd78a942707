package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import conduit.common.Page;
import conduit.common.WriteEvents;

/**
 * The rules of the query cache, all in one place: which public views are cached, under which key
 * and scope, and which scopes each write makes stale. Only what an anonymous visitor sees is
 * cached (per-user fields such as {@code favorited} and {@code following} never go in); a view
 * is the response's JSON (with, for articles and list pages, what lets the caller lay one
 * viewer's bits over it), loaded by the caller. Keys of a stored form that changes get a new
 * name, so instances of two releases never read each other's entries.
 *
 * <table>
 * <caption>What each write invalidates</caption>
 * <tr><th>write</th><th>stale</th><th>why</th></tr>
 * <tr><td>article created</td><td>lists but other tags' pages, tags</td><td>a new first item and count; maybe new tags</td></tr>
 * <tr><td>article edited or deleted</td><td>its article, its comments, lists but other tags' pages, tags</td><td>its title/description show in lists; its comments go with it</td></tr>
 * <tr><td>favourite added or removed</td><td>its article, lists but other tags' pages, the viewer's marks</td><td>{@code favoritesCount} shows in both</td></tr>
 * <tr><td>follow added or removed</td><td>the follower's marks</td><td>{@code following} is only in the viewer's marks</td></tr>
 * <tr><td>profile changed</td><td>everything</td><td>the author's profile is embedded in every article, comment and profile view</td></tr>
 * <tr><td>comment added or deleted</td><td>the article's comments</td><td>nothing else shows comments</td></tr>
 * </table>
 *
 * <p>One thing per viewer is kept, and only in the process that loaded it ({@link
 * ViewCache#personal}): a viewer's marks, the ids they favourited and follow, from which their
 * {@code favorited} and {@code following} bits are laid over the public views. It is keyed and
 * scoped by the viewer's id, so it cannot reach anyone else, and it is stale from their next
 * favourite or follow on, on every instance within the near cache's bound.
 */
public final class PublicViews implements WriteEvents {
    /** List pages are cached up to this offset (the pages people read). */
    static final int CACHED_OFFSETS = 100;

    private final ViewCache cache;

    public PublicViews(ViewCache cache) {
        this.cache = cache;
    }

    /** {@code {"tags":[...]}}: the same for everyone. */
    public byte[] tags(Supplier<byte[]> load) {
        return cache.get("tags", Scopes.TAGS, load);
    }

    /**
     * One article's public view (as an anonymous visitor sees it: no per-user field is ever
     * stored), which every viewer's copy is made from. The loader's bytes are opaque here.
     */
    public byte[] article(String slug, Supplier<byte[]> load) {
        return cache.get("article-page:" + slug, Scopes.article(slug), load);
    }

    /**
     * A user's public profile (their {@code following} false), which every viewer's copy is made
     * from. Only a profile change makes it stale, and that invalidates everything.
     */
    public byte[] profile(String username, Supplier<byte[]> load) {
        return cache.get("profile:" + username, Scopes.profile(username), load);
    }

    /** True for the pages of comments {@link #comments} caches: the first ones, as for lists. */
    public static boolean cachesCommentPage(Page page) {
        return page.offset() < CACHED_OFFSETS;
    }

    /** A page of an article's comments as an anonymous visitor sees it (every author's {@code following} false). */
    public byte[] comments(String slug, Page page, Supplier<byte[]> load) {
        return cache.get("comments:" + slug + ":" + page.limit() + ":" + page.offset(), Scopes.comments(slug), load);
    }

    /** True for the list pages {@link #listPage} caches: the first pages of every list but the feed, for every viewer. */
    public static boolean cachesListPage(boolean feed, Page page) {
        return !feed && page.offset() < CACHED_OFFSETS;
    }

    /**
     * A page of a list (all articles, or by a filter's key) as an anonymous visitor sees it,
     * which every viewer's copy is made from. Both depend on articles, their tags, authors and
     * favourites; the list of all articles has a scope of its own ({@link Scopes#LISTS}) so that
     * a favourite of an article past its cached pages leaves it be ({@link #favoriteChanged}).
     *
     * A list by a tag alone is scoped by its tag ({@link Scopes#tag}): a write changes the pages of
     * the tags of the article it wrote, not the others'.
     *
     * @param filtered true for a list by tag, author or favouriting user
     * @param tagAlone the tag, for a list by that tag alone; else null
     */
    public byte[] listPage(String filterKey, boolean filtered, String tagAlone, Page page, Supplier<byte[]> load) {
        // Each kind has a key of its own: the releases before kept filtered pages in the lists'
        // scope, and a tag's pages in the filtered lists' scope.
        String where = filterKey + ":" + page.limit() + ":" + page.offset();
        if (tagAlone != null) {
            return cache.get("tag-page:" + where, Scopes.tag(tagAlone), load);
        }
        return cache.get((filtered ? "filtered-page:" : "list-page:") + where, filtered ? Scopes.FILTERED_LISTS : Scopes.LISTS, load);
    }

    /**
     * How many articles match a filter (the same for every viewer; not for a feed). COUNT(*) reads
     * every matching index entry, so it is cached. A list's count changes with the articles
     * written, edited (their tags) and deleted, so it is invalidated by those ({@link
     * Scopes#COUNTS}); a "favourited by" list's count changes with its user's favourites too, so
     * it is invalidated with the lists.
     *
     * A tag's count alone is scoped by its tag, as its pages are.
     *
     * @param byFavourites true for a "favourited by" list
     * @param tagAlone     the tag, for a list by that tag alone; else null
     */
    public long count(String filterKey, boolean byFavourites, String tagAlone, LongSupplier load) {
        // Not the key of the releases that kept every count under the lists' scope ("count:"), nor
        // of those that kept a tag's under the counts' ("article-count:"): an entry is checked
        // against its scope's generation, and two scopes' generations differ.
        String key;
        String scope;
        if (tagAlone != null) {
            key = "tag-count:";
            scope = Scopes.tag(tagAlone);
        } else {
            key = "article-count:";
            scope = byFavourites ? Scopes.FILTERED_LISTS : Scopes.COUNTS;
        }
        byte[] json = cache.get(key + filterKey, scope, () -> Long.toString(load.getAsLong()).getBytes(StandardCharsets.US_ASCII));
        return Long.parseLong(new String(json, StandardCharsets.US_ASCII));
    }

    /**
     * The viewer's marks, loaded by {@code load} when this process holds none that are current;
     * {@code load} may answer null (too many to keep), which is returned and not kept.
     */
    public <T> T viewerMarks(long viewerId, Supplier<T> load, ToIntFunction<T> bytes) {
        return cache.personal("viewer-marks:" + viewerId, Scopes.viewer(viewerId), load, bytes);
    }

    @Override
    public void articleCreated(long authorId, Collection<String> tags) {
        cache.invalidate(withTags(tags, Scopes.LISTS, Scopes.FILTERED_LISTS, Scopes.TAGS, Scopes.COUNTS));
    }

    @Override
    public void articleEdited(String slug, Collection<String> tags) {
        articleChanged(slug, tags);
    }

    @Override
    public void articleDeleted(String slug, Collection<String> tags) {
        articleChanged(slug, tags);
    }

    /** An edit and a delete make the same views stale: the article, its comments, every list but other tags' pages. */
    private void articleChanged(String slug, Collection<String> tags) {
        cache.invalidate(withTags(tags, Scopes.LISTS, Scopes.FILTERED_LISTS, Scopes.TAGS, Scopes.COUNTS, Scopes.article(slug),
                Scopes.comments(slug)));
    }

    @Override
    public void favoriteChanged(long userId, String slug, Collection<String> tags, IntPredicate amongNewest) {
        // Its favoritesCount shows on the pages that hold it. Past the cached pages of the list of
        // all articles (the newest MAX_LIMIT + CACHED_OFFSETS), a favourite leaves them be: in a
        // busy site most favourites are of older articles, and the first pages stay cached.
        if (cache.enabled() && amongNewest.test(CACHED_OFFSETS + Page.MAX_LIMIT)) {
            cache.invalidate(withTags(tags, Scopes.LISTS, Scopes.FILTERED_LISTS, Scopes.article(slug), Scopes.viewer(userId)));
        } else {
            cache.invalidate(withTags(tags, Scopes.FILTERED_LISTS, Scopes.article(slug), Scopes.viewer(userId)));
        }
    }

    /** The scopes, and those of the tags' pages. */
    private static String[] withTags(Collection<String> tags, String... scopes) {
        List<String> all = new ArrayList<>(List.of(scopes));
        tags.forEach(t -> all.add(Scopes.tag(t)));
        return all.toArray(String[]::new);
    }

    @Override
    public void followChanged(long followerId, long followeeId) {
        cache.invalidate(Scopes.viewer(followerId));
    }

    @Override
    public void commentChanged(String slug) {
        cache.invalidate(Scopes.comments(slug));
    }

    @Override
    public void profileChanged(long userId) {
        cache.invalidateAll();
    }
}
