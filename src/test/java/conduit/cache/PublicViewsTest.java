package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.common.Page;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Which writes make a list load again (in-process cache: the rules are the same over Redis,
 * where ViewCacheTest checks the scopes' mechanics): a favourite changes the pages that hold the
 * article (their favoritesCount) but not how many articles a list has, except for a "favourited
 * by" list; the pages of all articles only while the article is among the newest 200.
 */
class PublicViewsTest {
    private static final ViewCache.FreshLoader PLAIN = new ViewCache.FreshLoader() {
        @Override
        public <T> ViewCache.Loaded<T> load(long since, java.util.function.Supplier<T> loader) {
            return new ViewCache.Loaded<>(loader.get(), true);
        }
    };
    private final PublicViews views = new PublicViews(ViewCache.local(1024 * 1024, 60_000, PLAIN));
    private final AtomicInteger globalCounts = new AtomicInteger();
    private final AtomicInteger favouritedCounts = new AtomicInteger();
    private final AtomicInteger pages = new AtomicInteger();
    private final AtomicInteger filteredPages = new AtomicInteger();
    private final AtomicInteger rankChecks = new AtomicInteger();

    /** The event's question, answered as the writer would: {@code newer} articles are newer. */
    private java.util.function.IntPredicate newer(int newer) {
        return n -> {
            rankChecks.incrementAndGet();
            return newer < n;
        };
    }

    private void readAll() {
        assertEquals(42, views.count("global", false, () -> {
            globalCounts.incrementAndGet();
            return 42;
        }));
        assertEquals(7, views.count("favorited:ann", true, () -> {
            favouritedCounts.incrementAndGet();
            return 7;
        }));
        views.listPage("global", false, new Page(10, 0), () -> {
            pages.incrementAndGet();
            return "{}".getBytes(StandardCharsets.US_ASCII);
        });
        views.listPage("tag=dragons", true, new Page(10, 0), () -> {
            filteredPages.incrementAndGet();
            return "{}".getBytes(StandardCharsets.US_ASCII);
        });
    }

    @Test
    void aFavouriteOfARecentArticleReloadsEveryPageAndTheFavouritedCountsButNotTheOtherCounts() {
        readAll();
        readAll();
        assertEquals(1, globalCounts.get());
        assertEquals(1, pages.get());
        views.favoriteChanged(5, "some-slug", newer(199));
        readAll();
        assertEquals(1, globalCounts.get(), "a favourite changed no list's number of articles");
        assertEquals(2, favouritedCounts.get(), "a favourite changes its user's favourited list");
        assertEquals(2, pages.get(), "the 200th newest article can be on a cached page of all articles");
        assertEquals(2, filteredPages.get());
    }

    @Test
    void aFavouriteOfAnOlderArticleLeavesThePagesOfAllArticlesBe() {
        readAll();
        views.favoriteChanged(5, "some-slug", newer(200));
        readAll();
        assertEquals(1, rankChecks.get());
        assertEquals(1, pages.get(), "200 articles are newer: it is on no cached page of all articles");
        assertEquals(2, filteredPages.get(), "a filtered list may hold it on its first page");
        assertEquals(2, favouritedCounts.get());
        assertEquals(1, globalCounts.get());
    }

    @Test
    void withCachingOffTheWriterIsNotAsked() {
        PublicViews off = new PublicViews(ViewCache.disabled());
        off.favoriteChanged(5, "some-slug", newer(0));
        assertEquals(0, rankChecks.get());
    }

    @Test
    void articlesWrittenEditedOrDeletedReloadEveryCount() {
        readAll();
        views.articleCreated(5);
        readAll();
        views.articleEdited("some-slug");
        readAll();
        views.articleDeleted("some-slug");
        readAll();
        assertEquals(4, globalCounts.get());
        assertEquals(4, favouritedCounts.get());
        assertEquals(4, pages.get());
        assertEquals(4, filteredPages.get());
    }

    @Test
    void theCountsHaveAStripeOfTheirOwn() {
        assertNotEquals(Scopes.stripe(Scopes.LISTS), Scopes.stripe(Scopes.COUNTS));
        assertNotEquals(Scopes.stripe(Scopes.TAGS), Scopes.stripe(Scopes.COUNTS));
        assertNotEquals(Scopes.stripe(Scopes.LISTS), Scopes.stripe(Scopes.FILTERED_LISTS));
        assertNotEquals(Scopes.stripe(Scopes.COUNTS), Scopes.stripe(Scopes.FILTERED_LISTS));
    }
}
