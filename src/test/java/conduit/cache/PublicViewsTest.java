package conduit.cache;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import conduit.common.Page;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Which writes make a list load again (in-process cache: the rules are the same over Redis,
 * where ViewCacheTest checks the scopes' mechanics): a favourite changes the pages that hold the
 * article (their favoritesCount) but not how many articles a list has, except for a "favourited
 * by" list; the pages of all articles only while the article is among the newest 200; a tag's
 * pages and count only for an article with that tag.
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
    /** Loads of each tag's page and of its count, by tag. */
    private final Map<String, AtomicInteger> tagPages = new HashMap<>();
    private final Map<String, AtomicInteger> tagCounts = new HashMap<>();

    /** The event's question, answered as the writer would: {@code newer} articles are newer. */
    private java.util.function.IntPredicate newer(int newer) {
        return n -> {
            rankChecks.incrementAndGet();
            return newer < n;
        };
    }

    private void readAll() {
        assertEquals(42, views.count("global", false, null, () -> {
            globalCounts.incrementAndGet();
            return 42;
        }));
        assertEquals(7, views.count("favorited:ann", true, null, () -> {
            favouritedCounts.incrementAndGet();
            return 7;
        }));
        views.listPage("global", false, null, new Page(10, 0), () -> {
            pages.incrementAndGet();
            return "{}".getBytes(StandardCharsets.US_ASCII);
        });
        views.listPage("author=ann", true, null, new Page(10, 0), () -> {
            filteredPages.incrementAndGet();
            return "{}".getBytes(StandardCharsets.US_ASCII);
        });
        for (String tag : List.of("dragons", "unicorns")) {
            views.count("tag=" + tag, false, tag, () -> tagCounts.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet());
            views.listPage("tag=" + tag, true, tag, new Page(10, 0), () -> {
                tagPages.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
                return "{}".getBytes(StandardCharsets.US_ASCII);
            });
        }
    }

    private int pagesOf(String tag) {
        return tagPages.get(tag).get();
    }

    private int countsOf(String tag) {
        return tagCounts.get(tag).get();
    }

    @Test
    void aFavouriteOfARecentArticleReloadsEveryPageThatHoldsItAndTheFavouritedCountsButNotTheOtherCounts() {
        readAll();
        readAll();
        assertEquals(1, globalCounts.get());
        assertEquals(1, pages.get());
        views.favoriteChanged(5, "some-slug", List.of("dragons"), newer(199));
        readAll();
        assertEquals(1, globalCounts.get(), "a favourite changed no list's number of articles");
        assertEquals(2, favouritedCounts.get(), "a favourite changes its user's favourited list");
        assertEquals(2, pages.get(), "the 200th newest article can be on a cached page of all articles");
        assertEquals(2, filteredPages.get());
        assertEquals(2, pagesOf("dragons"), "its tag's page shows its favoritesCount");
        assertEquals(1, pagesOf("unicorns"), "another tag's page cannot hold it");
        assertEquals(1, countsOf("unicorns"));
    }

    @Test
    void aFavouriteOfAnOlderArticleLeavesThePagesOfAllArticlesBe() {
        readAll();
        views.favoriteChanged(5, "some-slug", List.of("unicorns"), newer(200));
        readAll();
        assertEquals(1, rankChecks.get());
        assertEquals(1, pages.get(), "200 articles are newer: it is on no cached page of all articles");
        assertEquals(2, filteredPages.get(), "a filtered list may hold it on its first page");
        assertEquals(2, pagesOf("unicorns"));
        assertEquals(1, pagesOf("dragons"));
        assertEquals(2, favouritedCounts.get());
        assertEquals(1, globalCounts.get());
    }

    @Test
    void withCachingOffTheWriterIsNotAsked() {
        PublicViews off = new PublicViews(ViewCache.disabled());
        off.favoriteChanged(5, "some-slug", List.of(), newer(0));
        assertEquals(0, rankChecks.get());
    }

    @Test
    void articlesWrittenEditedOrDeletedReloadEveryCountButOtherTagsPagesAndCounts() {
        readAll();
        views.articleCreated(5, List.of("dragons"));
        readAll();
        assertEquals(2, pagesOf("dragons"));
        assertEquals(2, countsOf("dragons"));
        assertEquals(1, pagesOf("unicorns"), "a create leaves the other tags' pages cached");
        assertEquals(1, countsOf("unicorns"));
        views.articleEdited("some-slug", List.of("dragons", "unicorns"));
        readAll();
        assertEquals(3, pagesOf("dragons"), "the tag it had");
        assertEquals(2, pagesOf("unicorns"), "the tag it has now");
        views.articleDeleted("some-slug", List.of("unicorns"));
        readAll();
        assertEquals(3, pagesOf("dragons"));
        assertEquals(3, pagesOf("unicorns"));
        assertEquals(3, countsOf("unicorns"));
        assertEquals(4, globalCounts.get());
        assertEquals(4, favouritedCounts.get());
        assertEquals(4, pages.get());
        assertEquals(4, filteredPages.get());
    }

    @Test
    void theCountsAndTheTwoTagsHaveStripesOfTheirOwn() {
        assertNotEquals(Scopes.stripe(Scopes.LISTS), Scopes.stripe(Scopes.COUNTS));
        assertNotEquals(Scopes.stripe(Scopes.TAGS), Scopes.stripe(Scopes.COUNTS));
        assertNotEquals(Scopes.stripe(Scopes.LISTS), Scopes.stripe(Scopes.FILTERED_LISTS));
        assertNotEquals(Scopes.stripe(Scopes.COUNTS), Scopes.stripe(Scopes.FILTERED_LISTS));
        // Else the tests above could not tell a tag's scope from another's.
        assertNotEquals(Scopes.stripe(Scopes.tag("dragons")), Scopes.stripe(Scopes.tag("unicorns")));
        for (String shared : List.of(Scopes.LISTS, Scopes.FILTERED_LISTS, Scopes.COUNTS, Scopes.TAGS)) {
            assertNotEquals(Scopes.stripe(shared), Scopes.stripe(Scopes.tag("unicorns")), shared);
        }
    }
}
