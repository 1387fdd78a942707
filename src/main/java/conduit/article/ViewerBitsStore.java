package conduit.article;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import conduit.db.Database;
import conduit.db.Rows;
import conduit.db.Sql;
import io.helidon.dbclient.DbRow;

/**
 * SQL for a signed-in viewer's own bits over a public page: which of its articles they
 * favourited and which of its authors they follow. One statement whatever the page size, both
 * halves primary-key look-ups ({@code favorites (user_id, article_id)}, {@code follows
 * (follower_id, followee_id)}), on the reader unless read-your-writes sends it to the writer.
 */
public final class ViewerBitsStore {
    /** What the viewer has marked among the ids asked about. */
    public record Bits(Set<Long> favorited, Set<Long> followed) {
    }

    private final Database db;

    public ViewerBitsStore(Database db) {
        this.db = db;
    }

    Bits of(long viewerId, long[] articleIds, long[] authorIds) {
        Set<Long> authors = new HashSet<>();
        for (long id : authorIds) {
            authors.add(id);
        }
        Object[] params = new Object[2 + articleIds.length + authors.size()];
        int p = 0;
        params[p++] = viewerId;
        for (long id : articleIds) {
            params[p++] = id;
        }
        params[p++] = viewerId;
        for (long id : authors) {
            params[p++] = id;
        }
        String sql = "SELECT 0 AS kind, article_id AS id FROM favorites WHERE user_id = ? AND article_id IN ("
                + Sql.list("?", articleIds.length) + ") UNION ALL SELECT 1, followee_id FROM follows WHERE follower_id = ? AND followee_id IN ("
                + Sql.list("?", authors.size()) + ")";
        return db.read(exec -> {
            Bits bits = new Bits(new HashSet<>(), new HashSet<>());
            try (Stream<DbRow> rows = exec.query(sql, params)) {
                rows.forEach(r -> (Rows.longValue(r, "kind") == 0 ? bits.favorited() : bits.followed()).add(Rows.longValue(r, "id")));
            }
            return bits;
        });
    }
}
