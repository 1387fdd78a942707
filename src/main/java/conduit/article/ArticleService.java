package conduit.article;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import conduit.common.Change;
import conduit.common.Clock;
import conduit.common.Failure;
import conduit.common.Page;
import conduit.common.Text;
import conduit.common.WriteEvents;
import conduit.db.SqlErrors;
import conduit.tag.TagStore;

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

    private final ArticleStore store;
    private final TagStore tagStore;
    private final FavoriteStore favorites;
    private final WriteEvents events;

    public ArticleService(ArticleStore store, TagStore tagStore, FavoriteStore favorites, WriteEvents events) {
        this.store = store;
        this.tagStore = tagStore;
        this.favorites = favorites;
        this.events = events;
    }

    /**
     * @param requestKey the key of the client's request (idempotent retries), or null: a create
     *                   with a key that is already stored answers with that article instead
     */
    public Article create(long authorId, Draft draft, String requestKey) {
        String title = Text.required("title", draft.title(), MAX_TITLE);
        String description = Text.required("description", draft.description(), MAX_DESCRIPTION);
        String body = Text.required("body", draft.body(), MAX_BODY);
        List<String> tags = draft.tagList() == null ? List.of() : tags(draft.tagList());
        long now = Clock.now();
        Article created = insertWithUniqueSlug(authorId, title, description, body, tags, now, requestKey);
        events.articleCreated(authorId, created.tagList());
        return created;
    }

    private Article insertWithUniqueSlug(long authorId, String title, String description, String body,
                                         List<String> tags, long now, String requestKey) {
        for (int attempt = 0; ; attempt++) {
            String slug = Slugs.of(title);
            List<Long> tagIds = tagStore.idsOf(tags);
            try {
                return store.create(slug, title, description, body, authorId, now, tags, tagIds, requestKey);
            } catch (RuntimeException e) {
                String duplicate = SqlErrors.duplicateKey(e).orElse("");
                if (requestKey != null && duplicate.contains("request_key")) {
                    // The same request committed before (its answer was lost): that article, as it is now, is the answer.
                    return store.slugOfRequest(requestKey).flatMap(s -> store.bySlugFresh(s, authorId)).orElseThrow(() -> e);
                }
                // A remembered tag id the database does not know (see TagStore#idsOf): ask it again.
                boolean staleTagId = !tagIds.isEmpty() && SqlErrors.missingReference(e);
                if (staleTagId) {
                    tagStore.forgetIds();
                }
                // 8 random base-36 characters collide about once in 2.8e12 slugs of one title.
                if (attempt >= 2 || !(duplicate.contains("slug") || staleTagId)) {
                    throw e;
                }
            }
        }
    }

    public Article get(String slug, long viewerId) {
        return store.bySlug(checkedSlug(slug), viewerId).orElseThrow(ArticleService::notFound);
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
        List<Long> newTagIds = tags == null ? null : tagStore.idsOf(tags);
        List<String> tagsBefore = store.update(article.id(), newSlug, title, description, body, updatedAt, newTagIds);
        Set<String> shownUnder = new TreeSet<>(tagsBefore);
        shownUnder.addAll(tags == null ? List.of() : tags);
        events.articleEdited(article.slug(), shownUnder);
        return store.bySlugFresh(newSlug, userId).orElseThrow();
    }

    public void delete(long userId, String slug) {
        List<String> tags = store.delete(owned(slug, userId).id());
        events.articleDeleted(slug, tags);
    }

    /**
     * A page of articles as the viewer sees them. {@code count} is how many match in all
     * ({@link #count}); the caller may have it cached, since it is the same for every viewer.
     */
    public Listing list(ArticleFilter filter, long viewerId, Page page, long count) {
        if (filter.feed() && viewerId == 0) {
            throw Failure.missingToken();
        }
        List<Article> articles = count == 0 || page.offset() >= count ? List.of() : store.list(filter, viewerId, page, count);
        return new Listing(articles, count);
    }

    /** How many articles match (for a feed, the viewer's). */
    public long count(ArticleFilter filter, long viewerId) {
        if (filter.feed() && viewerId == 0) {
            throw Failure.missingToken();
        }
        return store.count(filter, viewerId);
    }

    public Article favorite(long userId, String slug) {
        long id = idOf(slug);
        favorites.favorite(userId, id, Clock.now());
        return favoriteChanged(userId, slug, id);
    }

    public Article unfavorite(long userId, String slug) {
        long id = idOf(slug);
        favorites.unfavorite(userId, id);
        return favoriteChanged(userId, slug, id);
    }

    /** The article as the writer has it now (the answer), and the event, naming the tags whose pages show it. */
    private Article favoriteChanged(long userId, String slug, long id) {
        Article now = store.bySlugFresh(slug, userId).orElseThrow();
        events.favoriteChanged(userId, slug, now.tagList(), n -> store.amongNewest(id, n));
        return now;
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

    /** The slug when it could name an article; 404 at once when it cannot (empty, or longer than the column). */
    public static String checkedSlug(String slug) {
        if (slug == null || slug.isEmpty() || slug.length() > 255) {
            throw notFound();
        }
        return slug;
    }

    private static Failure notFound() {
        return Failure.notFound("article");
    }
}
