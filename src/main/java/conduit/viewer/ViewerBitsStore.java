package conduit.viewer;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import conduit.db.Database;
import conduit.db.Rows;
import conduit.db.Sql;
import io.helidon.dbclient.DbRow;

/**
 * SQL for a signed-in viewer's own bits over public pages: which articles they favourited and
 * which authors they follow. Either all of them at once ({@link #marks}, kept in memory by the
 * caller) or, for a viewer with too many to keep, for exactly the ids on one page ({@link #of}).
 * One statement either way, both halves on primary keys ({@code favorites (user_id, article_id)},
 * {@code follows (follower_id, followee_id)}), on the reader unless read-your-writes sends it to
 * the writer.
 */
public final class ViewerBitsStore {
    /** Viewers with more marks than this get theirs per page instead of kept (16 bytes a mark). */
    static final int MAX_KEPT = 4096;

    /** What the viewer has marked among the ids asked about, or in all. */
    public record Bits(Set<Long> favorited, Set<Long> followed) {
    }

    /** Everything a viewer has marked: the ids they favourited and the users they follow, each sorted. */
    public record Marks(long[] favorited, long[] followed) {
        boolean favorites(long articleId) {
            return Arrays.binarySearch(favorited, articleId) >= 0;
        }

        boolean follows(long userId) {
            return Arrays.binarySearch(followed, userId) >= 0;
        }

        /** About what it holds in memory. */
        int bytes() {
            return 64 + 8 * (favorited.length + followed.length);
        }
    }

    private final Database db;

    public ViewerBitsStore(Database db) {
        this.db = db;
    }

    /** All the viewer's marks, or null when they have more than {@link #MAX_KEPT}. */
    Marks marks(long viewerId) {
        return db.read(exec -> {
            long[][] ids = {new long[16], new long[16]};
            int[] counts = new int[2];
            try (Stream<DbRow> rows = exec.query("SELECT 0 AS kind, article_id AS id FROM favorites WHERE user_id = ?"
                    + " UNION ALL SELECT 1, followee_id FROM follows WHERE follower_id = ? LIMIT ?", viewerId, viewerId, MAX_KEPT + 1)) {
                rows.forEach(r -> {
                    int kind = (int) Rows.longValue(r, "kind");
                    if (counts[kind] == ids[kind].length) {
                        ids[kind] = Arrays.copyOf(ids[kind], counts[kind] * 2);
                    }
                    ids[kind][counts[kind]++] = Rows.longValue(r, "id");
                });
            }
            if (counts[0] + counts[1] > MAX_KEPT) {
                return null;
            }
            long[] favorited = Arrays.copyOf(ids[0], counts[0]);
            long[] followed = Arrays.copyOf(ids[1], counts[1]);
            Arrays.sort(favorited);
            Arrays.sort(followed);
            return new Marks(favorited, followed);
        });
    }

    /** The viewer's marks among these ids alone (no article ids: only the follows are asked). */
    Bits of(long viewerId, long[] articleIds, long[] authorIds) {
        Set<Long> authors = new HashSet<>();
        for (long id : authorIds) {
            authors.add(id);
        }
        Object[] params = new Object[(articleIds.length > 0 ? 1 + articleIds.length : 0) + 1 + authors.size()];
        int p = 0;
        StringBuilder sql = new StringBuilder();
        if (articleIds.length > 0) {
            params[p++] = viewerId;
            for (long id : articleIds) {
                params[p++] = id;
            }
            sql.append("SELECT 0 AS kind, article_id AS id FROM favorites WHERE user_id = ? AND article_id IN (")
                    .append(Sql.list("?", articleIds.length)).append(") UNION ALL ");
        }
        params[p++] = viewerId;
        for (long id : authors) {
            params[p++] = id;
        }
        sql.append("SELECT 1 AS kind, followee_id AS id FROM follows WHERE follower_id = ? AND followee_id IN (")
                .append(Sql.list("?", authors.size())).append(")");
        return db.read(exec -> {
            Bits bits = new Bits(new HashSet<>(), new HashSet<>());
            try (Stream<DbRow> rows = exec.query(sql.toString(), params)) {
                rows.forEach(r -> (Rows.longValue(r, "kind") == 0 ? bits.favorited() : bits.followed()).add(Rows.longValue(r, "id")));
            }
            return bits;
        });
    }
}
