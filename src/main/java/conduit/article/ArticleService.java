package conduit.article;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import conduit.cache.QueryCache;
import conduit.cache.Scopes;
import conduit.common.Change;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.common.Page;
import conduit.common.Text;
import conduit.db.SqlErrors;

/** Articles: writing, editing, deleting, listing and favouriting. */
public final class ArticleService {
    public static final int MAX_TITLE = 255;
    public static final int MAX_DESCRIPTION = 1024;
    /** Characters; at 4 bytes each this still fits MySQL's MEDIUMTEXT and the request limit decides first. */
    public static final int MAX_BODY = 1_000_000;
    public static final int MAX_TAGS = 20;
    public static final int MAX_TAG = 64;

    /** What an author submits for a new article. */
    public record Draft(String title, String description, String body, List<String> tagList) {
    }

    /** A partial edit; {@code tagList} present with null is refused. */
    public record Edit(Change<String> title, Change<String> description, Change<String> body, Change<List<String>> tagList) {
    }

    /** A page of articles and how many match in all. */
    public record Listing(List<Article> articles, long articlesCount) {
    }

    /** Anonymous views of the global list are cached up to this offset (the pages people read). */
    static final int CACHED_OFFSETS = 100;

    private final ArticleStore store;
    private final QueryCache cache;

    public ArticleService(ArticleStore store, QueryCache cache) {
        this.store = store;
        this.cache = cache;
    }

    public Article create(long authorId, Draft draft) {
        String title = Text.required("title", draft.title(), MAX_TITLE);
        String description = Text.required("description", draft.description(), MAX_DESCRIPTION);
        String body = Text.required("body", draft.body(), MAX_BODY);
        List<String> tags = draft.tagList() == null ? List.of() : tags(draft.tagList());
        long now = Clock.now();
        String slug = insertWithUniqueSlug(authorId, title, description, body, tags, now);
        cache.invalidate(Scopes.LISTS, Scopes.TAGS);
        return store.bySlugFresh(slug, authorId);
    }

    private String insertWithUniqueSlug(long authorId, String title, String description, String body,
                                        List<String> tags, long now) {
        for (int attempt = 0; ; attempt++) {
            String slug = Slugs.of(title);
            List<Long> tagIds = store.tagIds(tags);
            try {
                store.database().inTransaction(tx -> {
                    long id = store.insert(tx, slug, title, description, body, authorId, now);
                    store.addTags(tx, id, tagIds);
                    return id;
                });
                return slug;
            } catch (RuntimeException e) {
                // 8 random base-36 characters collide about once in 2.8e12 slugs of one title.
                if (attempt >= 2 || SqlErrors.duplicateKey(e).filter(m -> m.contains("slug")).isEmpty()) {
                    throw e;
                }
            }
        }
    }

    public Article get(String slug, long viewerId) {
        return store.bySlug(checkedSlug(slug), viewerId).orElseThrow(ArticleService::notFound);
    }

    /** The article as an anonymous visitor sees it, as JSON: cached, since it has no per-user fields to leak. */
    public byte[] publicJson(String slug) {
        String checked = checkedSlug(slug);
        return cache.json("article:" + checked, Scopes.article(checked), () -> ArticleJson.single(get(checked, 0)));
    }

    public Article update(long userId, String slug, Edit edit) {
        ArticleStore.Owned article = owned(slug, userId);
        String title = edit.title().present() ? Text.required("title", edit.title().value(), MAX_TITLE) : article.title();
        String description = edit.description().present()
                ? Text.required("description", edit.description().value(), MAX_DESCRIPTION) : article.description();
        String body = edit.body().present() ? Text.required("body", edit.body().value(), MAX_BODY) : null;
        List<String> tags = null;
        if (edit.tagList().present()) {
            if (edit.tagList().value() == null) {
                throw Failure.invalid("tagList", "must be an array (use [] to remove all tags)");
            }
            tags = tags(edit.tagList().value());
        }
        String newSlug = title.equals(article.title()) ? article.slug() : Slugs.of(title);
        // Millisecond timestamps: an edit right after creation must still move updatedAt forward.
        long updatedAt = Math.max(Clock.now(), article.updatedAt() + 1);
        List<Long> newTagIds = tags == null ? null : store.tagIds(tags);
        store.database().inTransaction(tx -> {
            store.update(tx, article.id(), newSlug, title, description, body, updatedAt);
            if (newTagIds != null) {
                store.setTags(tx, article.id(), newTagIds);
            }
            return null;
        });
        cache.invalidate(Scopes.LISTS, Scopes.TAGS, Scopes.article(article.slug()));
        return store.bySlugFresh(newSlug, userId);
    }

    public void delete(long userId, String slug) {
        store.delete(owned(slug, userId).id());
        cache.invalidate(Scopes.LISTS, Scopes.TAGS, Scopes.article(slug));
    }

    public Listing list(ArticleFilter filter, long viewerId, Page page) {
        if (filter.feed() && viewerId == 0) {
            throw Failure.missingToken();
        }
        return load(filter, viewerId, page);
    }

    /** True for the pages {@link #publicListJson} serves from the cache: the global list's first pages, anonymous. */
    public static boolean cachesList(ArticleFilter filter, long viewerId, Page page) {
        return viewerId == 0 && filter.equals(ArticleFilter.ALL) && page.offset() < CACHED_OFFSETS;
    }

    /** A page of the global list as an anonymous visitor sees it, as JSON, through the cache. */
    public byte[] publicListJson(Page page) {
        return cache.json("articles:" + page.limit() + ":" + page.offset(), Scopes.LISTS,
                () -> ArticleJson.Listing.of(load(ArticleFilter.ALL, 0, page)));
    }

    private Listing load(ArticleFilter filter, long viewerId, Page page) {
        long count = count(filter, viewerId);
        List<Article> articles = count == 0 || page.offset() >= count ? List.of() : store.list(filter, viewerId, page);
        return new Listing(articles, count);
    }

    /**
     * How many articles match. COUNT(*) reads every matching index entry (all articles, for the
     * global list), and the answer is the same for every viewer except in the feed: so it is
     * cached with the lists, and invalidated with them.
     */
    private long count(ArticleFilter filter, long viewerId) {
        if (filter.feed()) {
            return store.count(filter, viewerId);
        }
        byte[] json = cache.json("count:" + filter.key(), Scopes.LISTS, () -> store.count(filter, 0));
        return Long.parseLong(new String(json, StandardCharsets.US_ASCII));
    }

    public Article favorite(long userId, String slug) {
        long id = idOf(slug);
        store.favorite(userId, id, Clock.now());
        cache.invalidate(Scopes.LISTS, Scopes.article(slug));
        return store.bySlugFresh(slug, userId);
    }

    public Article unfavorite(long userId, String slug) {
        long id = idOf(slug);
        store.unfavorite(userId, id);
        cache.invalidate(Scopes.LISTS, Scopes.article(slug));
        return store.bySlugFresh(slug, userId);
    }

    /** The article's id, from the writer, before a write; 404 when there is none. Used by comments too. */
    public long idOf(String slug) {
        return store.idOf(checkedSlug(slug)).orElseThrow(ArticleService::notFound);
    }

    /** The article's id as readers see it (replica, read-your-writes); 404 when there is none. */
    public long idForReading(String slug) {
        return store.idForReading(checkedSlug(slug)).orElseThrow(ArticleService::notFound);
    }

    private ArticleStore.Owned owned(String slug, long userId) {
        ArticleStore.Owned article = store.owned(checkedSlug(slug)).orElseThrow(ArticleService::notFound);
        if (article.authorId() != userId) {
            throw Failure.forbidden("article");
        }
        return article;
    }

    /** Trimmed, de-duplicated, alphabetical; blank or over-long tags are refused. */
    static List<String> tags(List<String> raw) {
        if (raw.size() > MAX_TAGS) {
            throw Failure.invalid("tagList", "has too many tags (maximum is " + MAX_TAGS + ")");
        }
        TreeSet<String> tags = new TreeSet<>();
        for (String tag : raw) {
            String t = tag.strip();
            if (t.isEmpty()) {
                throw Failure.invalid("tagList", "can't contain blank tags");
            }
            Text.bounded("tagList", t, MAX_TAG);
            tags.add(t);
        }
        return new ArrayList<>(tags);
    }

    private static String checkedSlug(String slug) {
        if (slug == null || slug.isEmpty() || slug.length() > 255) {
            throw notFound();
        }
        return slug;
    }

    private static Failure notFound() {
        return Failure.notFound("article");
    }
}
