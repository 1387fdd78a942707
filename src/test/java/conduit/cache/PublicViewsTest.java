package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.common.Page;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Which writes make a list count again (in-process cache: the rules are the same over Redis,
 * where ViewCacheTest checks the scopes' mechanics): a favourite changes the pages (their
 * favoritesCount) but not how many articles a list has, except for a "favourited by" list.
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

    private void readAll() {
        assertEquals(42, views.count("global", false, () -> {
            globalCounts.incrementAndGet();
            return 42;
        }));
        assertEquals(7, views.count("favorited:ann", true, () -> {
            favouritedCounts.incrementAndGet();
            return 7;
        }));
        views.listPage("global", new Page(10, 0), () -> {
            pages.incrementAndGet();
            return "{}".getBytes(StandardCharsets.US_ASCII);
        });
    }

    @Test
    void aFavouriteReloadsThePagesAndTheFavouritedCountsButNotTheOtherCounts() {
        readAll();
        readAll();
        assertEquals(1, globalCounts.get());
        assertEquals(1, pages.get());
        views.favoriteChanged(5, "some-slug");
        readAll();
        assertEquals(1, globalCounts.get(), "a favourite changed no list's number of articles");
        assertEquals(2, favouritedCounts.get(), "a favourite changes its user's favourited list");
        assertEquals(2, pages.get(), "a favourite changes favoritesCount on the pages");
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
    }

    @Test
    void theCountsHaveAStripeOfTheirOwn() {
        assertNotEquals(Scopes.stripe(Scopes.LISTS), Scopes.stripe(Scopes.COUNTS));
        assertNotEquals(Scopes.stripe(Scopes.TAGS), Scopes.stripe(Scopes.COUNTS));
    }
}
