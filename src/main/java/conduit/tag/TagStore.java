package conduit.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import conduit.db.Database;
import conduit.db.Rows;
import conduit.db.Sql;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** SQL for tags and the links between tags and articles. */
public final class TagStore {
    /** Remembered tag ids at most (a few hundred KB): beyond it, they are all forgotten at once. */
    private static final int MAX_KNOWN_IDS = 4096;

    private final Database db;
    private final Map<String, Long> knownIds = new ConcurrentHashMap<>();

    public TagStore(Database db) {
        this.db = db;
    }

    /** The newest {@code max} tags that some article still carries. */
    public List<String> inUse(int max) {
        // One index probe per tag. Written as EXISTS, MariaDB turned it into a semi-join that read
        // every article_tags row (9 ms at 20,000 rows on a quiet machine, 41 ms in the read-heavy
        // mix, the writer's costliest statement there); a scalar subquery with LIMIT it cannot.
        return db.read(exec -> exec.createQuery("""
                        SELECT t.name FROM tags t
                        WHERE (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id LIMIT 1) IS NOT NULL
                        ORDER BY t.id DESC LIMIT :max""")
                .addParam("max", max)
                .execute()
                .map(r -> Rows.string(r, "name"))
                .toList());
    }

    /**
     * The ids of the named tags, creating the missing ones. Runs outside the article's transaction,
     * each statement committed on its own: tag rows are shared by every article, and holding
     * their locks inside article transactions made concurrent creates deadlock (scripts/bench).
     * A tag left without articles is harmless: the tag list shows only tags in use.
     *
     * <p>Ids already seen come from process memory, without a statement: a tag row, once
     * committed, is never deleted or renamed, so its id stays true for the life of the database.
     * Should a database be swapped under a running instance all the same, the article's insert
     * fails on the foreign key and {@link #forgetIds} lets the caller retry with fresh ids.
     */
    public List<Long> idsOf(List<String> tags) {
        List<String> unknown = tags.stream().filter(t -> !knownIds.containsKey(t)).toList();
        if (!unknown.isEmpty()) {
            remember(fetchOrCreate(unknown));
        }
        List<Long> ids = new ArrayList<>(tags.size());
        for (String tag : tags) {
            Long id = knownIds.get(tag);
            ids.add(id != null ? id : fetchOrCreate(List.of(tag)).get(tag)); // forgotten in between: ask again
        }
        return ids;
    }

    /** Drops every remembered id (after the database refused one). */
    public void forgetIds() {
        knownIds.clear();
    }

    private void remember(Map<String, Long> ids) {
        if (knownIds.size() + ids.size() > MAX_KNOWN_IDS) {
            knownIds.clear(); // a plain bound: tags in use are few, and re-learning one costs two statements
        }
        knownIds.putAll(ids);
    }

    private Map<String, Long> fetchOrCreate(List<String> tags) {
        // Two statements whatever the number of tags. The names arrive sorted, so concurrent
        // creates take the unique index's locks in the same order.
        Object[] names = tags.toArray();
        db.write(exec -> exec.insert("INSERT IGNORE INTO tags (name) VALUES " + Sql.list("(?)", names.length), names));
        Map<String, Long> found = new HashMap<>();
        db.write(exec -> {
            try (Stream<DbRow> rows = exec.query("SELECT id, name FROM tags WHERE name IN (" + Sql.list("?", names.length) + ")", names)) {
                rows.forEach(r -> found.put(Rows.string(r, "name"), Rows.longValue(r, "id")));
            }
            return found;
        });
        for (String tag : tags) {
            // The collation (utf8mb4_bin) compares as Java does for the names JsonBody and
            // ArticleService let through; should it ever differ, the database compares this one.
            found.computeIfAbsent(tag, t -> db.write(exec -> exec.get("SELECT id FROM tags WHERE name = ?", t)
                    .map(r -> Rows.longValue(r, "id")).orElseThrow()));
        }
        return found;
    }

    /**
     * Tags a new article in one statement, inside the article's transaction (no DELETE first: on
     * InnoDB even a delete of nothing takes a gap lock). Each link repeats the article's
     * {@code createdAt}, which orders the tag's page (V8).
     */
    public void link(DbExecute tx, long articleId, long createdAt, List<Long> tagIds) {
        if (tagIds.isEmpty()) {
            return;
        }
        Object[] params = new Object[tagIds.size() * 3];
        for (int i = 0; i < tagIds.size(); i++) {
            params[3 * i] = articleId;
            params[3 * i + 1] = tagIds.get(i);
            params[3 * i + 2] = createdAt;
        }
        tx.insert("INSERT INTO article_tags (article_id, tag_id, article_created_at) VALUES " + Sql.list("(?, ?, ?)", tagIds.size()),
                params);
    }

    /** Replaces an article's tags, inside the article's transaction; the links take its created_at from its row. */
    public void replaceLinks(DbExecute tx, long articleId, List<Long> tagIds) {
        tx.createDelete("DELETE FROM article_tags WHERE article_id = :id").addParam("id", articleId).execute();
        if (tagIds.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>(tagIds);
        params.add(articleId);
        tx.insert("INSERT INTO article_tags (article_id, tag_id, article_created_at) SELECT a.id, t.id, a.created_at"
                + " FROM articles a JOIN tags t ON t.id IN (" + Sql.list("?", tagIds.size()) + ") WHERE a.id = ?",
                params.toArray());
    }

    /**
     * Fills {@code article_created_at} on links the previous release inserted (V8 is expand-only),
     * one tag's empty entries at a time, so each statement reads and locks only the rows it
     * fills. Idempotent, safe on several instances at once. Runs at every start: only the tags
     * that have undated links get a statement, found in one read of the (tag, date) index.
     *
     * @return the links filled
     */
    public long fillArticleDates() {
        // From the writer: a link the previous release wrote a moment ago may not be on the replica yet.
        List<Long> tagIds = db.write(exec -> exec.createQuery("SELECT DISTINCT tag_id FROM article_tags WHERE article_created_at IS NULL")
                .execute().map(r -> Rows.longValue(r, "tag_id")).toList());
        long filled = 0;
        for (long tagId : tagIds) {
            filled += db.write(exec -> exec.update("""
                    UPDATE article_tags SET article_created_at = (SELECT a.created_at FROM articles a WHERE a.id = article_tags.article_id)
                    WHERE tag_id = ? AND article_created_at IS NULL""", tagId));
        }
        return filled;
    }

    /** One article's tag names, alphabetical (none for an article without tags), on the caller's connection. */
    public static List<String> namesOf(DbExecute exec, long articleId) {
        return namesOf(exec, List.of(articleId)).getOrDefault(articleId, List.of());
    }

    /** The tag names of each article, alphabetical, in one statement, on the caller's connection. */
    public static Map<Long, List<String>> namesOf(DbExecute exec, List<Long> articleIds) {
        List<DbRow> rows = exec.createQuery("SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
                        + " WHERE at.article_id IN (" + Sql.list("?", articleIds.size()) + ")")
                .params(new ArrayList<Object>(articleIds))
                .execute()
                .toList();
        Map<Long, List<String>> out = new HashMap<>();
        for (DbRow r : rows) {
            out.computeIfAbsent(Rows.longValue(r, "article_id"), k -> new ArrayList<>()).add(Rows.string(r, "name"));
        }
        out.values().forEach(Collections::sort);
        return out;
    }
}
