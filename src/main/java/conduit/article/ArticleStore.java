package conduit.article;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import conduit.common.Page;
import conduit.db.Database;
import conduit.db.Rows;
import conduit.profile.Profile;
import conduit.profile.ProfileStore;
import conduit.tag.TagStore;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

/**
 * SQL for articles. Every list is two statements whatever the page size (the page, the tags of
 * the page): no query per row. Writes that span several tables run in one transaction here.
 * Parameters are positional: Helidon DbClient parses a statement with named parameters on every
 * call (its {@code NamedStatementParser} was among the top frames of scripts/bench's profile).
 */
public final class ArticleStore {
    /** The row facts that ownership checks and updates need. */
    public record Owned(long id, long authorId, String slug, String title, String description, long createdAt, long updatedAt) {
    }

    private static final String COLUMNS = """
            SELECT a.id, a.author_id, a.slug, a.title, a.description, %s a.created_at, a.updated_at,
                   u.username, u.bio, u.image,
                   (SELECT COUNT(*) FROM favorites fc WHERE fc.article_id = a.id) AS favorites_count,
                   EXISTS (SELECT 1 FROM favorites fv WHERE fv.article_id = a.id AND fv.user_id = ?) AS favorited,
                   EXISTS (SELECT 1 FROM follows fo WHERE fo.followee_id = a.author_id AND fo.follower_id = ?) AS following
            """;
    private static final String SELECT = COLUMNS + "FROM articles a JOIN users u ON u.id = a.author_id\n";
    private static final String NEWEST_FIRST = " ORDER BY a.created_at DESC, a.id DESC";
    private static final String BY_SLUG = SELECT.formatted("a.body,") + "WHERE a.slug = ?";

    private final Database db;
    private final TagStore tags;

    public ArticleStore(Database db, TagStore tags) {
        this.db = db;
        this.tags = tags;
    }

    public Optional<Article> bySlug(DbExecute exec, String slug, long viewerId) {
        Optional<DbRow> row = exec.get(BY_SLUG, viewerId, viewerId, slug);
        return row.map(r -> {
            long id = Rows.longValue(r, "id");
            return article(r, Rows.string(r, "body"), TagStore.namesOf(exec, id));
        });
    }

    public Optional<Article> bySlug(String slug, long viewerId) {
        return db.read(exec -> bySlug(exec, slug, viewerId));
    }

    /** Re-reads from the writer: the answer to a write must show that write. */
    public Optional<Article> bySlugFresh(String slug, long viewerId) {
        return db.write(exec -> bySlug(exec, slug, viewerId));
    }

    public long count(ArticleFilter filter, long viewerId) {
        Object[] params = params(filter, viewerId).toArray();
        String statement;
        if (tagOnly(filter)) {
            statement = TAG_COUNT;
        } else {
            StringBuilder sql = new StringBuilder("SELECT COUNT(*) AS n FROM articles a");
            where(sql, filter, false);
            statement = sql.toString();
        }
        return db.read(exec -> countOf(exec, statement, params));
    }

    /** A list by tag alone: its pages and count come from the tag's links, without the articles table. */
    private static boolean tagOnly(ArticleFilter f) {
        return f.tagAlone() != null;
    }

    /** The {@code n} of a statement that counts (0 when it answers no row). */
    private static long countOf(DbExecute exec, String statement, Object... params) {
        try (Stream<DbRow> rows = exec.query(statement, params)) {
            return rows.findFirst().map(r -> Rows.longValue(r, "n")).orElse(0L);
        }
    }

    /**
     * A tag's articles are its article_tags rows (one per article, deleted with it): an index range
     * (the tag's prefix of ix_article_tags_tag_newest since V9), without the join to articles that
     * the general count makes.
     */
    static final String TAG_COUNT = "SELECT COUNT(*) AS n FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = ?";

    /**
     * The ids of a page of a tag's articles, newest first, but for its LIMIT and OFFSET: the tag's
     * links in ix_article_tags_tag_newest (V8), offset + limit index entries whatever the tag's
     * size, without a sort. The order names tag_id, one value here, because H2 follows an index's
     * order only for an ORDER BY on its leading columns (without it, it read the tag's every link
     * and sorted them). The index is named because, as the derived table of {@link #list}'s
     * statement, H2 chose the foreign key's index on tag_id alone and sorted the tag's every link
     * on each page: 5-6 ms instead of 0.2-0.3 ms at 3,000 articles a tag, once the tables had
     * been written since its last run (H2 reuses a statement's result until then), and half of an
     * embedded instance's CPU in bench/growth-study after 120 s of writes. MariaDB takes the hint
     * too (the same index name, V8).
     */
    static final String TAG_PAGE_IDS = "SELECT at.article_id AS id FROM article_tags at USE INDEX (ix_article_tags_tag_newest)"
            + " WHERE at.tag_id = (SELECT t.id FROM tags t WHERE t.name = ?)"
            + " ORDER BY at.tag_id DESC, at.article_created_at DESC, at.article_id DESC";

    /**
     * For a tag combined with another filter (a tag alone reads its links, newest first, from
     * ix_article_tags_tag_newest): from how many articles a page is found by walking the
     * newest-first index and checking each article's tags, rather than by reading every article
     * of the tag and sorting them. The walk stops after about (offset + limit) x (all articles /
     * the tag's) index entries, the read costs one row look-up per article of the tag (with its
     * body on the row's page): at 16,000 articles a tag of 1,600 took 1.9 ms read and sorted,
     * 0.2 ms walked, and the reads were 60 % of an embedded instance's CPU in bench/growth-study.
     * Below this a tag is read (few rows); from it on, the walk is at most (offset + limit) x all
     * articles / this.
     */
    static final long TAG_SCAN_FROM = 500;

    /**
     * A page of articles, newest first. The page's ids are chosen first, from the articles table
     * alone (an index scan that stops after offset + limit rows), and only those rows are joined
     * and get their per-row subqueries. Written as one join, MariaDB sometimes (with statistics
     * taken after a burst of inserts) started from users, computed the subqueries for every
     * article and sorted them all: 56 ms instead of 0.8 ms at 3,500 articles.
     *
     * @param matching how many articles match the filter ({@link #count}; it may be a cached,
     *                 slightly stale figure: it only chooses how a tag's page is found)
     */
    public List<Article> list(ArticleFilter filter, long viewerId, Page page, long matching) {
        String sql = listStatement(filter, matching);
        // In the order of the placeholders: the columns' two, the filter's, then the page.
        List<Object> params = new ArrayList<>(8);
        params.add(viewerId);
        params.add(viewerId);
        params.addAll(params(filter, viewerId));
        params.add(page.limit());
        params.add(page.offset());
        Object[] values = params.toArray();
        return db.read(exec -> {
            List<DbRow> rows;
            try (Stream<DbRow> stream = exec.query(sql, values)) {
                rows = stream.toList();
            }
            if (rows.isEmpty()) {
                return List.<Article>of();
            }
            List<Long> ids = rows.stream().map(r -> Rows.longValue(r, "id")).toList();
            Map<Long, List<String>> names = TagStore.namesOf(exec, ids);
            List<Article> out = new ArrayList<>(rows.size());
            for (DbRow r : rows) {
                out.add(article(r, null, names.getOrDefault(Rows.longValue(r, "id"), List.of())));
            }
            return out;
        });
    }

    /** {@link #list}'s statement: the page's ids, then their rows (package-private for its plan's tests). */
    static String listStatement(ArticleFilter filter, long matching) {
        StringBuilder pageIds;
        if (tagOnly(filter)) {
            pageIds = new StringBuilder(TAG_PAGE_IDS);
        } else {
            pageIds = new StringBuilder("SELECT a.id FROM articles a");
            where(pageIds, filter, matching >= TAG_SCAN_FROM);
            pageIds.append(NEWEST_FIRST);
        }
        pageIds.append(" LIMIT ? OFFSET ?");
        return COLUMNS.formatted("") + "FROM (" + pageIds + ") page JOIN articles a ON a.id = page.id"
                + " JOIN users u ON u.id = a.author_id" + NEWEST_FIRST;
    }

    /**
     * The filter as joins after {@code FROM articles a}, and their conditions ({@code walkTag}: the
     * tag as a correlated EXISTS, see {@link #TAG_SCAN_FROM}). Each join matches at
     * most one row per article (article_tags, favorites and follows are keyed by the pair), so
     * no article is counted or listed twice.
     *
     * <p>Joins, not {@code a.id IN (SELECT ...)}: H2 re-runs an IN subquery for every candidate
     * row once a table it reads has been written since the statement began (it then may not
     * reuse the subquery's result), so a tag page re-read the tag's ~1,600 links ~1,600 times
     * whenever an article was created meanwhile: 2-3 s a page instead of ~2 ms, slower the
     * larger the tag and the more writes, which overloaded an embedded instance as it grew.
     */
    private static void where(StringBuilder sql, ArticleFilter f, boolean walkTag) {
        List<String> conditions = new ArrayList<>(4);
        if (f.author() != null) {
            conditions.add("a.author_id = (SELECT au.id FROM users au WHERE au.username = ?)");
        }
        if (f.tag() != null && walkTag) {
            // Correlated: one look-up of (article, tag) per article walked, never a re-run subquery.
            conditions.add("EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND t.name = ?)");
        } else if (f.tag() != null) {
            sql.append(" JOIN article_tags at ON at.article_id = a.id JOIN tags t ON t.id = at.tag_id");
            conditions.add("t.name = ?");
        }
        if (f.favoritedBy() != null) {
            sql.append(" JOIN favorites ff ON ff.article_id = a.id JOIN users fu ON fu.id = ff.user_id");
            conditions.add("fu.username = ?");
        }
        if (f.feed()) {
            sql.append(" JOIN follows fo2 ON fo2.followee_id = a.author_id");
            conditions.add("fo2.follower_id = ?");
        }
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
    }

    /** The filter's values, in the order {@link #where} placed their placeholders. */
    private static List<Object> params(ArticleFilter f, long viewerId) {
        List<Object> params = new ArrayList<>(4);
        if (f.author() != null) {
            params.add(f.author());
        }
        if (f.tag() != null) {
            params.add(f.tag());
        }
        if (f.favoritedBy() != null) {
            params.add(f.favoritedBy());
        }
        if (f.feed()) {
            params.add(viewerId);
        }
        return params;
    }

    public Optional<Owned> owned(String slug) {
        return db.write(exec -> exec.get("SELECT id, author_id, slug, title, description, created_at, updated_at FROM articles WHERE slug = ?", slug)
                .map(r -> new Owned(Rows.longValue(r, "id"), Rows.longValue(r, "author_id"), Rows.string(r, "slug"),
                        Rows.string(r, "title"), Rows.string(r, "description"),
                        Rows.longValue(r, "created_at"), Rows.longValue(r, "updated_at"))));
    }

    /** The article's id, when the slug exists, from the writer: for a write that follows. */
    public Optional<Long> idOf(String slug) {
        return db.write(exec -> idOf(exec, slug));
    }

    /**
     * True when fewer than {@code n} articles are newer than this one, from the writer (a write
     * has just changed it). An index range of at most {@code n} entries. Articles created in the
     * same millisecond are not counted as newer, so a doubt answers true; so does an article
     * deleted meanwhile.
     */
    public boolean amongNewest(long articleId, int n) {
        return db.write(exec -> countOf(exec, "SELECT COUNT(*) AS n FROM (SELECT 1 FROM articles a WHERE a.created_at > "
                + "(SELECT created_at FROM articles WHERE id = ?) LIMIT ?) newer", articleId, n)) < n;
    }

    /** From the reader (read-your-writes applies): for a read that follows. */
    public Optional<Long> idForReading(String slug) {
        return db.read(exec -> idOf(exec, slug));
    }

    private static Optional<Long> idOf(DbExecute exec, String slug) {
        return exec.get("SELECT id FROM articles WHERE slug = ?", slug).map(r -> Rows.longValue(r, "id"));
    }

    /**
     * Inserts the article and links its tags in one transaction; the tags' ids come from
     * {@link TagStore#idsOf}, created beforehand outside it (see there why).
     *
     * @param tagNames the tags' names, sorted as {@link TagStore#namesOf} sorts them
     * @return the new article as its author sees it, without reading it back: nobody can have
     *         favourited it yet, and nobody follows themselves; only the author's profile is read
     */
    public Article create(String slug, String title, String description, String body, long authorId, long now,
                          List<String> tagNames, List<Long> tagIds, String requestKey) {
        return db.inTransaction(tx -> {
            long id = Rows.insertedId(tx.createInsert("""
                            INSERT INTO articles (slug, title, description, body, author_id, created_at, updated_at, request_key)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(slug, title, description, body, authorId, now, now, requestKey));
            tags.link(tx, id, now, tagIds);
            Profile author = tx.get("SELECT username, bio, image FROM users WHERE id = ?", authorId)
                    .map(r -> ProfileStore.profile(r, false))
                    .orElseThrow();
            return new Article(id, authorId, slug, title, description, body, List.copyOf(tagNames), now, now, false, 0, author);
        });
    }

    /**
     * Updates the given columns in one transaction; a null body keeps the stored one, null tag ids keep the tags.
     *
     * @return the names of the tags the article had (the pages that showed it)
     */
    public List<String> update(long id, String slug, String title, String description, String body, long updatedAt, List<Long> tagIds) {
        return db.inTransaction(tx -> {
            tx.update("""
                            UPDATE articles SET slug = ?, title = ?, description = ?, body = COALESCE(?, body), updated_at = ?
                            WHERE id = ?""", slug, title, description, body, updatedAt, id);
            List<String> before = TagStore.namesOf(tx, id);
            if (tagIds != null) {
                tags.replaceLinks(tx, id, tagIds);
            }
            return before;
        });
    }

    /** The slug of the article a request created, from the writer (for its retry). */
    public java.util.Optional<String> slugOfRequest(String requestKey) {
        return db.write(exec -> exec.get("SELECT slug FROM articles WHERE request_key = ?", requestKey)
                .map(r -> Rows.string(r, "slug")));
    }

    /**
     * Deletes the article; its tags links, comments and favourites go with it (ON DELETE CASCADE).
     *
     * @return the names of the tags it had (the pages that showed it)
     */
    public List<String> delete(long id) {
        return db.inTransaction(tx -> {
            // The row first: an edit of its tags running meanwhile commits before the tags are read.
            tx.get("SELECT id FROM articles WHERE id = ? FOR UPDATE", id);
            List<String> before = TagStore.namesOf(tx, id);
            tx.delete("DELETE FROM articles WHERE id = ?", id);
            return before;
        });
    }

    private static Article article(DbRow r, String body, List<String> tags) {
        Profile author = ProfileStore.profile(r, Rows.bool(r, "following"));
        return new Article(Rows.longValue(r, "id"), Rows.longValue(r, "author_id"), Rows.string(r, "slug"), Rows.string(r, "title"),
                Rows.string(r, "description"), body, tags, Rows.longValue(r, "created_at"),
                Rows.longValue(r, "updated_at"), Rows.bool(r, "favorited"), Rows.intValue(r, "favorites_count"), author);
    }
}
