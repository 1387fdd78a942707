package conduit.tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import conduit.db.Database;
import conduit.db.Rows;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/** SQL for tags and the links between tags and articles. */
public final class TagStore {
    private final Database db;

    public TagStore(Database db) {
        this.db = db;
    }

    /** The newest {@code max} tags that some article still carries. */
    public List<String> inUse(int max) {
        return db.read(exec -> exec.createQuery("""
                        SELECT t.name FROM tags t
                        WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id)
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
     */
    public List<Long> idsOf(List<String> tags) {
        if (tags.isEmpty()) {
            return List.of();
        }
        // Two statements whatever the number of tags. The names arrive sorted, so concurrent
        // creates take the unique index's locks in the same order.
        Object[] names = tags.toArray();
        String marks = tags.stream().map(t -> "?").collect(Collectors.joining(", "));
        db.write(exec -> exec.insert("INSERT IGNORE INTO tags (name) VALUES " + marks.replace("?", "(?)"), names));
        Map<String, Long> found = new HashMap<>();
        db.write(exec -> {
            try (Stream<DbRow> rows = exec.query("SELECT id, name FROM tags WHERE name IN (" + marks + ")", names)) {
                rows.forEach(r -> found.put(Rows.string(r, "name"), Rows.longValue(r, "id")));
            }
            return found;
        });
        List<Long> ids = new ArrayList<>(tags.size());
        for (String tag : tags) {
            Long id = found.get(tag);
            // The collation (utf8mb4_bin) compares as Java does for the names JsonBody and
            // ArticleService let through; should it ever differ, the database compares this one.
            ids.add(id != null ? id : db.write(exec -> exec.get("SELECT id FROM tags WHERE name = ?", tag)
                    .map(r -> Rows.longValue(r, "id")).orElseThrow()));
        }
        return ids;
    }

    /** Tags a new article in one statement, inside the article's transaction (no DELETE first: on InnoDB even a delete of nothing takes a gap lock). */
    public void link(DbExecute tx, long articleId, List<Long> tagIds) {
        if (tagIds.isEmpty()) {
            return;
        }
        String rows = tagIds.stream().map(id -> "(?, ?)").collect(Collectors.joining(", "));
        Object[] params = new Object[tagIds.size() * 2];
        for (int i = 0; i < tagIds.size(); i++) {
            params[2 * i] = articleId;
            params[2 * i + 1] = tagIds.get(i);
        }
        tx.insert("INSERT INTO article_tags (article_id, tag_id) VALUES " + rows, params);
    }

    /** Replaces an article's tags, inside the article's transaction. */
    public void replaceLinks(DbExecute tx, long articleId, List<Long> tagIds) {
        tx.createDelete("DELETE FROM article_tags WHERE article_id = :id").addParam("id", articleId).execute();
        link(tx, articleId, tagIds);
    }

    /** The tag names of each article, alphabetical, in one statement, on the caller's connection. */
    public static Map<Long, List<String>> namesOf(DbExecute exec, List<Long> articleIds) {
        String marks = articleIds.stream().map(id -> "?").collect(Collectors.joining(","));
        List<DbRow> rows = exec.createQuery("SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id"
                        + " WHERE at.article_id IN (" + marks + ")")
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
