package conduit.article;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

import conduit.Infrastructure;
import conduit.Settings;
import conduit.Stack;
import conduit.common.Page;
import conduit.db.Database;
import conduit.db.ReadConsistency;
import conduit.db.Rows;
import conduit.tag.TagStore;
import conduit.user.UserStore;
import io.helidon.dbclient.DbRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tag's pages come from its links, newest first by the article's created_at (V8), on the
 * stack's MariaDB writer: the order is the articles' own even where ids and dates disagree, an
 * edit of the tags keeps it, links the previous release wrote without a date list last until the
 * backfill dates them, and the page is one index range without a sort, on MariaDB and on the
 * embedded H2 alike, in the statement as list() runs it.
 */
class TagPagesTest {
    private Infrastructure infra;
    private Database db;
    private TagStore tags;
    private ArticleStore articles;
    private long author;

    @BeforeEach
    void start() {
        infra = Infrastructure.start(Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        db = infra.data().database();
        tags = new TagStore(db);
        articles = new ArticleStore(db, tags);
        String name = "tags_" + System.nanoTime();
        author = new UserStore(db, infra.keys().emails()).insert(name, null, name + "@example.com", "x", 1,
                UserStore.AlsoInTransaction.NOTHING);
        new ReadConsistency(60_000).writing(); // this thread's reads see its writes: they go to the writer
    }

    @AfterEach
    void stop() {
        ReadConsistency.clear();
        infra.close();
    }

    @Test
    void pagesAreNewestFirstByCreationWhateverTheIdsAndAnEditKeepsTheOrder() {
        String tag = "t" + System.nanoTime();
        // Created out of id order, as two instances' clocks and commits may interleave.
        long[] createdAt = {1_000, 3_000, 2_000, 5_000, 4_000};
        List<String> slugs = new ArrayList<>();
        for (long at : createdAt) {
            slugs.add(create(at, tag));
        }
        List<String> newestFirst = List.of(slugs.get(3), slugs.get(4), slugs.get(1), slugs.get(2), slugs.get(0));
        assertEquals(newestFirst, page(tag, 10, 0));
        assertEquals(newestFirst.subList(1, 3), page(tag, 2, 1));
        assertEquals(5, articles.count(byTag(tag), 0));

        long oldest = articles.bySlugFresh(slugs.get(0), 0).orElseThrow().id();
        assertEquals(List.of(tag), articles.update(oldest, slugs.get(0), "t", "d", null, 9_000, tags.idsOf(List.of(tag, tag + "-more"))),
                "the tags it had: their pages showed it");
        assertEquals(newestFirst, page(tag, 10, 0), "an edit moves updatedAt, not the article's place");
        assertEquals(List.of(slugs.get(0)), page(tag + "-more", 10, 0));
        assertEquals(List.of(tag, tag + "-more"), articles.delete(oldest), "the tags it had when deleted");
        assertEquals(List.of(), page(tag + "-more", 10, 0));
    }

    @Test
    void linksThePreviousReleaseWroteListLastUntilTheBackfillDatesThem() {
        String tag = "t" + System.nanoTime();
        String older = create(1_000, tag);
        String newer = create(3_000, tag);
        // As the previous release tags an article: no article_created_at.
        String middle = create(2_000);
        long middleId = articles.bySlugFresh(middle, 0).orElseThrow().id();
        long tagId = tags.idsOf(List.of(tag)).getFirst();
        db.write(exec -> exec.insert("INSERT INTO article_tags (article_id, tag_id) VALUES (?, ?)", middleId, tagId));
        assertEquals(List.of(newer, older), page(tag, 2, 0), "the undated link is past the first page");
        assertEquals(List.of(middle), page(tag, 2, 2));

        assertTrue(tags.fillArticleDates() >= 1);
        assertEquals(List.of(newer, middle), page(tag, 2, 0));
        assertEquals(List.of(older), page(tag, 2, 2));
        assertEquals(0, tags.fillArticleDates(), "idempotent");
    }

    @Test
    void aTagsPageIsOneIndexRangeWithoutASort() {
        String tag = "t" + System.nanoTime();
        for (int i = 0; i < 20; i++) {
            create(i, tag);
        }
        // The statement as list() runs it: the page's ids are its derived table.
        List<String> plan = rows(db, "EXPLAIN " + ArticleStore.listStatement(byTag(tag), 20),
                r -> Rows.string(r, "table") + " " + Rows.string(r, "key") + " " + Rows.string(r, "Extra"), 0L, 0L, tag, 10, 0);
        String links = plan.stream().filter(p -> p.startsWith("at ")).findFirst().orElseThrow(() -> new AssertionError(plan.toString()));
        assertTrue(links.contains("ix_article_tags_tag_newest"), plan.toString());
        assertFalse(links.contains("filesort"), plan.toString());
    }

    @Test
    void aTagsCountReadsTheNewestIndexsPrefixOnceTheOldIndexIsGone() {
        String tag = "t" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            create(i, tag);
        }
        // V9 dropped ix_article_tags_tag (tag_id, article_id): its work is the newest index's prefix.
        List<String> indexes = rows(db, "SELECT DISTINCT index_name AS n FROM information_schema.statistics"
                + " WHERE table_schema = DATABASE() AND table_name = 'article_tags'", r -> Rows.string(r, "n"));
        assertEquals(List.of("PRIMARY", "ix_article_tags_tag_newest"), indexes.stream().sorted().toList());
        List<String> count = rows(db, "EXPLAIN " + ArticleStore.TAG_COUNT,
                r -> Rows.string(r, "table") + " " + Rows.string(r, "type") + " " + Rows.string(r, "key"), tag);
        assertTrue(count.contains("at ref ix_article_tags_tag_newest"), count.toString());
        assertEquals(5, articles.count(byTag(tag), 0));
        assertTrue(tags.inUse(1_000).contains(tag));
    }

    @Test
    void onTheEmbeddedH2TooATagsPageReadsOnlyItsEntries(@TempDir Path dir) {
        try (Infrastructure embedded = Infrastructure.start(Settings.embedded(dir))) {
            Database h2 = embedded.data().database();
            TagStore h2Tags = new TagStore(h2);
            ArticleStore h2Articles = new ArticleStore(h2, h2Tags);
            long writer = new UserStore(h2, embedded.keys().emails()).insert("h2_tags", null, "h2_tags@example.com", "x", 1,
                    UserStore.AlsoInTransaction.NOTHING);
            for (int i = 0; i < 60; i++) {
                h2Articles.create("h2-" + i, "t", "d", "b", writer, i, List.of("h2"), h2Tags.idsOf(List.of("h2")), null);
            }
            String pageIds = String.join("", rows(h2, "EXPLAIN ANALYZE " + ArticleStore.TAG_PAGE_IDS + " LIMIT 10 OFFSET 0",
                    r -> r.column(1).getString(), "h2"));
            assertTrue(pageIds.toLowerCase(Locale.ROOT).contains("ix_article_tags_tag_newest") && pageIds.contains("index sorted"), pageIds);
            assertTrue(pageIds.contains("scanCount: 10 */"), "reads the page's 10 entries, not the tag's 60: " + pageIds);
            List<String> indexes = rows(h2, "SELECT index_name AS n FROM information_schema.indexes WHERE table_name = 'article_tags'",
                    r -> Rows.string(r, "n"));
            assertFalse(indexes.contains("ix_article_tags_tag"), "dropped by V9: " + indexes);
            assertTrue(indexes.contains("ix_article_tags_tag_newest"), indexes.toString());
            // As list() runs it, a derived table: there H2 chose the foreign key's index on tag_id
            // alone, and sorted the tag's every link, until the statement named its index.
            String page = String.join("", rows(h2, "EXPLAIN " + ArticleStore.listStatement(byTag("h2"), 60),
                    r -> r.column(1).getString(), 0L, 0L, "h2", 10, 0));
            // The index H2 chose, as its plan's comment (the statement's own hint names it too).
            assertTrue(page.toLowerCase(Locale.ROOT).contains("/* public.ix_article_tags_tag_newest:"), page);
            assertFalse(page.contains("index sorted: 1 of"), "the page's ids come in the index's order, unsorted: " + page);
        }
    }

    private String create(long createdAt, String... tagNames) {
        String slug = "tag-page-" + System.nanoTime();
        articles.create(slug, "t", "d", "b", author, createdAt, List.of(tagNames), tags.idsOf(List.of(tagNames)), null);
        return slug;
    }

    private List<String> page(String tag, int limit, int offset) {
        return articles.list(byTag(tag), 0, new Page(limit, offset), 0).stream().map(Article::slug).toList();
    }

    /** Each row of a statement on {@code database}'s writer, as {@code row} renders it. */
    private static List<String> rows(Database database, String sql, Function<DbRow, String> row, Object... params) {
        return database.write(exec -> {
            try (Stream<DbRow> rows = exec.query(sql, params)) {
                return rows.map(row).toList();
            }
        });
    }

    private static ArticleFilter byTag(String tag) {
        return new ArticleFilter(null, tag, null, false);
    }
}
