package conduit.cache;

/**
 * What a cached public view depends on, so that a write invalidates only what it changed.
 * Scopes map onto a fixed number of stripes (each with its own generation and bump time): the
 * bookkeeping stays bounded however many articles there are, and two scopes that share a stripe
 * only invalidate each other a little more often than needed.
 */
public final class Scopes {
    /** The pages of the list of all articles (no filter). */
    public static final String LISTS = "lists";
    /** The pages of lists by an author or a user's favourites, or by a tag with either ({@link #tag}: a tag alone). */
    public static final String FILTERED_LISTS = "filtered-lists";
    /** The tag cloud. */
    public static final String TAGS = "tags";
    /**
     * How many articles a list has, for lists whose count only articles written, edited or
     * deleted change (every list but "favourited by"): a favourite leaves them be, so they are
     * not counted again after each one.
     */
    public static final String COUNTS = "counts";

    static final int STRIPES = 1024;

    private Scopes() {
    }

    /**
     * The pages and the count of the list of one tag's articles (the tag alone): stale only when
     * an article with the tag is created, edited, deleted or favourited, so a create leaves the
     * pages of the other tags cached (they were most of the writer's cache fills).
     */
    public static String tag(String name) {
        return "tag:" + name;
    }

    /** One article's public view. */
    public static String article(String slug) {
        return "article:" + slug;
    }

    /** The comments on one article. */
    public static String comments(String slug) {
        return "comments:" + slug;
    }

    /** One user's public profile. */
    public static String profile(String username) {
        return "profile:" + username;
    }

    /** What one viewer has marked (their favourites and follows), kept for them alone. */
    public static String viewer(long userId) {
        return "viewer:" + userId;
    }

    /** The stripe a scope's generation lives in (public for tests that need two scopes apart). */
    public static int stripe(String scope) {
        return Math.floorMod(scope.hashCode(), STRIPES);
    }
}
