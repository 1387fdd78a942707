package conduit.tag;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import conduit.db.Database;
import conduit.db.Rows;
import conduit.db.Sql;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * How many articles there are and how many each tag has, kept in {@code article_counts} (V9) by
 * the writes that change them, in their own transactions: reading a count is a sum of
 * {@link #SLOTS} rows, whatever the table's size, where a {@code COUNT(*)} scans it.
 *
 * <p>Locks: each change updates its rows last in its transaction, in ascending tag id (0, all
 * articles, first), in one statement; a transaction holding these rows then waits only for more
 * of them, in the same order, so two never wait for each other. Each count is spread over
 * {@link #SLOTS} rows by article id, so creates with the same tag rarely wait for one another.
 */
public final class ArticleCounts {
    /** Rows per count. */
    static final int SLOTS = 8;
    /** The count of all articles; a tag's count has the tag's id (ids start at 1). */
    static final long ALL = 0;

    private final Database db;

    public ArticleCounts(Database db) {
        this.db = db;
    }

    /** The articles in all: the sum of a few rows (from the reader, like the list it counts). */
    public long all() {
        return db.read(exec -> sum(exec, "SELECT COALESCE(SUM(n), 0) AS n FROM article_counts WHERE tag_id = 0"));
    }

    /** The articles with the tag; 0 for a tag nobody ever used. */
    public long ofTag(String tag) {
        return db.read(exec -> sum(exec, "SELECT COALESCE(SUM(c.n), 0) AS n FROM article_counts c"
                + " WHERE c.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?)", tag));
    }

    private static long sum(DbExecute exec, String statement, Object... params) {
        return exec.get(statement, params).map(r -> Rows.longValue(r, "n")).orElse(0L);
    }

    /** A new article with these tags, in its transaction, after its rows are written. */
    public static void created(DbExecute tx, long articleId, Collection<Long> tagIds) {
        add(tx, articleId, withAll(tagIds), List.of());
    }

    /** A deleted article that had these tags, in its transaction, after it is deleted. */
    public static void deleted(DbExecute tx, long articleId, Collection<Long> tagIds) {
        add(tx, articleId, List.of(), withAll(tagIds));
    }

    /** An article's tags changed from {@code before} to {@code after}, in its transaction. */
    public static void retagged(DbExecute tx, long articleId, Collection<Long> before, Collection<Long> after) {
        TreeSet<Long> added = new TreeSet<>(after);
        added.removeAll(before);
        TreeSet<Long> removed = new TreeSet<>(before);
        removed.removeAll(after);
        add(tx, articleId, added, removed);
    }

    private static List<Long> withAll(Collection<Long> tagIds) {
        List<Long> ids = new ArrayList<>(tagIds.size() + 1);
        ids.add(ALL);
        ids.addAll(tagIds);
        return ids;
    }

    /** +1 to each count in {@code plus}, -1 to each in {@code minus} (disjoint), in one statement. */
    private static void add(DbExecute tx, long articleId, Collection<Long> plus, Collection<Long> minus) {
        if (plus.isEmpty() && minus.isEmpty()) {
            return;
        }
        // Ascending ids: the database walks the primary key in that order, so every writer locks
        // these rows in one order.
        TreeSet<Long> ids = new TreeSet<>(plus);
        ids.addAll(minus);
        List<Object> params = new ArrayList<>();
        String delta;
        if (minus.isEmpty()) {
            delta = "1";
        } else if (plus.isEmpty()) {
            delta = "-1";
        } else {
            delta = "CASE WHEN tag_id IN (" + Sql.list("?", plus.size()) + ") THEN 1 ELSE -1 END";
            params.addAll(new TreeSet<>(plus));
        }
        params.add(slot(articleId));
        params.addAll(ids);
        tx.update("UPDATE article_counts SET n = n + " + delta + " WHERE slot = ? AND tag_id IN (" + Sql.list("?", ids.size()) + ")",
                params.toArray());
    }

    static int slot(long articleId) {
        return (int) Math.floorMod(articleId, (long) SLOTS);
    }

    /**
     * Gives new tags their rows (all zero), outside any article's transaction: an article's
     * transaction only updates rows, and a tag's rows exist before any article carries it.
     * Idempotent.
     */
    static void ensureRows(DbExecute exec, Collection<Long> tagIds) {
        if (tagIds.isEmpty()) {
            return;
        }
        List<Object> params = new ArrayList<>(tagIds.size() * SLOTS);
        for (long id : new TreeSet<>(tagIds)) {
            for (int slot = 0; slot < SLOTS; slot++) {
                params.add(id);
                params.add(slot);
            }
        }
        exec.insert("INSERT IGNORE INTO article_counts (tag_id, slot, n) VALUES " + Sql.list("(?, ?, 0)", params.size() / 2),
                params.toArray());
    }

    /**
     * Counts every count again and corrects those that differ; run by {@code java -jar conduit.jar
     * backfill} after an instance refresh, when the previous release's creates and deletes (which
     * do not keep these rows) have stopped. Each count in its own transaction on the writer: its
     * rows are locked first, so a create that has linked the tag but not yet added its +1 is not
     * in the count and adds it after; one that already committed is in both. Safe while serving.
     *
     * @return how many counts were wrong (or had no rows: a tag the previous release created)
     */
    public int recount() {
        List<Long> ids = new ArrayList<>();
        ids.add(ALL);
        db.write(exec -> {
            try (Stream<DbRow> tags = exec.query("SELECT id FROM tags ORDER BY id")) {
                return tags.map(r -> Rows.longValue(r, "id")).toList();
            }
        }).forEach(ids::add);
        int wrong = 0;
        for (long id : ids) {
            wrong += db.inTransaction(tx -> recount(tx, id)) ? 1 : 0;
        }
        return wrong;
    }

    private static boolean recount(DbExecute tx, long id) {
        List<Long> rows;
        try (Stream<DbRow> found = tx.query("SELECT n FROM article_counts WHERE tag_id = ? FOR UPDATE", id)) {
            rows = found.map(r -> Rows.longValue(r, "n")).toList();
        }
        long actual = id == ALL
                ? sum(tx, "SELECT COUNT(*) AS n FROM articles")
                : sum(tx, "SELECT COUNT(*) AS n FROM article_tags WHERE tag_id = ?", id);
        if (rows.size() < SLOTS) {
            ensureRows(tx, List.of(id)); // a tag the previous release created
        }
        if (rows.size() == SLOTS && rows.stream().mapToLong(Long::longValue).sum() == actual) {
            return false;
        }
        tx.update("UPDATE article_counts SET n = CASE WHEN slot = 0 THEN ? ELSE 0 END WHERE tag_id = ?", actual, id);
        return true;
    }
}
