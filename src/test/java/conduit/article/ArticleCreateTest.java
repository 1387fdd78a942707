package conduit.article;

import java.nio.file.Path;
import java.util.List;

import conduit.Stack;
import conduit.common.WriteEvents;
import conduit.db.DataTier;
import conduit.db.Database;
import conduit.db.DbSettings;
import conduit.db.Rows;
import conduit.tag.TagStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Article create on the embedded database: the answer is built without reading the article back,
 * so it must equal the article as stored; tag ids come from memory once seen, and an id the
 * database no longer knows is learned again instead of failing the create.
 */
class ArticleCreateTest {
    private DataTier data;
    private Database db;
    private TagStore tags;
    private ArticleStore store;
    private ArticleService service;
    private long author;

    @BeforeEach
    void open() {
        Path dir = Stack.tempDir();
        data = DataTier.start(DbSettings.embedded(dir));
        db = data.database();
        tags = new TagStore(db);
        store = new ArticleStore(db, tags);
        service = new ArticleService(store, tags, new FavoriteStore(db), WriteEvents.NONE);
        author = db.write(exec -> Rows.insertedId(exec.createInsert("""
                        INSERT INTO users (username, username_key, email, email_lookup, password_hash, bio, image, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params("writer", "k-writer", "v1.x", "lookup-writer", "hash", "A bio", "https://img.example/w.png", 1L, 1L)));
    }

    @AfterEach
    void close() {
        data.close();
    }

    @Test
    void theAnswerIsTheArticleAsStored() {
        Article created = service.create(author, new ArticleService.Draft("Stored", "desc", "body text",
                List.of("zebra", "apple", " mango ", "apple")), null);
        Article stored = store.bySlugFresh(created.slug(), author).orElseThrow();
        assertEquals(stored, created);
        assertEquals(List.of("apple", "mango", "zebra"), created.tagList());
        assertEquals("A bio", created.author().bio());
    }

    @Test
    void aTagIdTheDatabaseNoLongerKnowsIsLearnedAgain() {
        Article first = service.create(author, new ArticleService.Draft("First", "d", "b", List.of("swapped")), null);
        long oldId = tagId("swapped");
        // As if the database had been swapped under the running instance: the row is gone.
        db.write(exec -> exec.delete("DELETE FROM articles WHERE id = ?", first.id()));
        db.write(exec -> exec.delete("DELETE FROM tags WHERE id = ?", oldId));
        assertEquals(List.of(oldId), tags.idsOf(List.of("swapped")), "a known id comes from memory, without a statement");

        Article second = service.create(author, new ArticleService.Draft("Second", "d", "b", List.of("swapped")), null);
        assertEquals(List.of("swapped"), store.bySlugFresh(second.slug(), author).orElseThrow().tagList());
        assertNotEquals(oldId, tagId("swapped"));
        assertEquals(List.of(tagId("swapped")), tags.idsOf(List.of("swapped")));
    }

    @Test
    void amongNewestCountsTheArticlesCreatedAfterIt() {
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            long id = service.create(author, new ArticleService.Draft("Rank " + i, "d", "b", List.of()), null).id();
            long createdAt = i * 1000L;
            db.write(exec -> exec.update("UPDATE articles SET created_at = ? WHERE id = ?", createdAt, id));
            ids.add(id);
        }
        assertFalse(store.amongNewest(ids.get(0), 3), "three are newer than the first");
        assertTrue(store.amongNewest(ids.get(0), 4));
        assertTrue(store.amongNewest(ids.get(1), 3), "two are newer than the second");
        db.write(exec -> exec.update("UPDATE articles SET created_at = 2000 WHERE id = ?", ids.get(2)));
        assertTrue(store.amongNewest(ids.get(1), 2), "one created in the same millisecond is not counted as newer");
        db.write(exec -> exec.delete("DELETE FROM articles WHERE id = ?", ids.get(0)));
        assertTrue(store.amongNewest(ids.get(0), 1), "an article deleted meanwhile: in doubt, true");
    }

    private long tagId(String name) {
        return db.write(exec -> exec.get("SELECT id FROM tags WHERE name = ?", name).map(r -> Rows.longValue(r, "id")).orElseThrow());
    }
}
