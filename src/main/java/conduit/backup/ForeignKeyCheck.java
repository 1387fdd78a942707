package conduit.backup;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import conduit.backup.Schema.Relation;

/**
 * Referential integrity, row by row: every row's reference finds its parent. The relations come
 * from this code's own list of what the app relies on, not only from the copy's catalogue: a
 * restore that lost its constraints (an import with {@code foreign_key_checks=0}, a hand-made
 * schema) would otherwise check nothing. Relations the database declares beyond the list are
 * checked too. A missing constraint is a fault of its own: the data may still be whole, but the
 * database no longer keeps it so.
 */
final class ForeignKeyCheck {
    static final String NAME = "foreign-keys";

    /** Every reference the app relies on (src/main/resources/db/migration). */
    static final List<Relation> EXPECTED = List.of(
            relation("fk_follows_follower", "follows", "follower_id", "users"),
            relation("fk_follows_followee", "follows", "followee_id", "users"),
            relation("fk_articles_author", "articles", "author_id", "users"),
            relation("fk_article_tags_article", "article_tags", "article_id", "articles"),
            relation("fk_article_tags_tag", "article_tags", "tag_id", "tags"),
            relation("fk_favorites_user", "favorites", "user_id", "users"),
            relation("fk_favorites_article", "favorites", "article_id", "articles"),
            relation("fk_comments_article", "comments", "article_id", "articles"),
            relation("fk_comments_author", "comments", "author_id", "users"));

    private ForeignKeyCheck() {
    }

    private static Relation relation(String constraint, String child, String column, String parent) {
        return new Relation(constraint, child, List.of(column), parent, List.of("id"));
    }

    static void run(Connection c, boolean mysql, Schema schema, Report report) throws SQLException {
        long started = System.nanoTime();
        List<Relation> relations = new ArrayList<>(EXPECTED);
        for (Relation expected : EXPECTED) {
            if (schema.foreignKeys().stream().noneMatch(expected::sameAs)) {
                report.fault(NAME, expected.child(), expected.constraint(), "the database does not declare "
                        + expected.describe() + ": it no longer refuses orphans there");
            }
        }
        for (Relation declared : schema.foreignKeys()) {
            if (EXPECTED.stream().noneMatch(declared::sameAs)) {
                relations.add(declared);
            }
        }
        long orphans = 0;
        for (Relation r : relations) {
            if (!schema.primaryKeys().containsKey(r.child()) || !schema.primaryKeys().containsKey(r.parent())) {
                report.fault(NAME, schema.primaryKeys().containsKey(r.child()) ? r.parent() : r.child(), "",
                        "table missing, so " + r.describe() + " cannot hold");
                continue;
            }
            orphans += orphans(c, mysql, r, schema.primaryKeys().get(r.child()), report);
        }
        report.check(NAME, relations.size() + " relations, " + orphans + " rows referring to nothing, "
                + report.faults(NAME) + " faults", System.nanoTime() - started);
    }

    /** Streams the child rows whose parent is missing (an anti-join on the parent's key). */
    private static long orphans(Connection c, boolean mysql, Relation r, List<String> childKey, Report report) throws SQLException {
        StringJoiner select = new StringJoiner(", ");
        childKey.forEach(k -> select.add("c." + k));
        r.columns().forEach(k -> select.add("c." + k));
        StringJoiner on = new StringJoiner(" AND ");
        StringJoiner present = new StringJoiner(" AND ");
        for (int i = 0; i < r.columns().size(); i++) {
            on.add("p." + r.parentColumns().get(i) + " = c." + r.columns().get(i));
            present.add("c." + r.columns().get(i) + " IS NOT NULL");
        }
        String sql = "SELECT " + select + " FROM " + r.child() + " c LEFT JOIN " + r.parent() + " p ON " + on
                + " WHERE " + present + " AND p." + r.parentColumns().get(0) + " IS NULL";
        long[] found = {0};
        RowStream.stream(c, mysql, sql, rs -> {
            found[0]++;
            report.fault(NAME, r.child(), key(rs, childKey, 0), reference(rs, r, childKey.size())
                    + " has no row in " + r.parent() + " (" + r.constraint() + ")");
        });
        return found[0];
    }

    /** {@code a=1, b=2} from the row's columns starting at {@code offset} (0-based). */
    static String key(ResultSet rs, List<String> columns, int offset) throws SQLException {
        StringJoiner key = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            key.add(columns.get(i) + "=" + rs.getString(offset + i + 1));
        }
        return key.toString();
    }

    private static String reference(ResultSet rs, Relation r, int offset) throws SQLException {
        return key(rs, r.columns(), offset);
    }
}
