package conduit.article;

/**
 * Which articles a list shows: all, or those matching any combination of author, tag and
 * favouriting user, or the viewer's feed (articles by users they follow).
 */
public record ArticleFilter(String author, String tag, String favoritedBy, boolean feed) {
    public static final ArticleFilter ALL = new ArticleFilter(null, null, null, false);
    public static final ArticleFilter FEED = new ArticleFilter(null, null, null, true);

    /** True for any list but the one of all articles (and the feed). */
    boolean filtered() {
        return author != null || tag != null || favoritedBy != null;
    }

    /** The tag, when the list is by that tag alone (no author, favouriting user or feed); else null. */
    public String tagAlone() {
        return tag != null && author == null && favoritedBy == null && !feed ? tag : null;
    }

    /** A cache key naming this filter unambiguously (values are URL-encoded, so no separator can be forged). */
    String key() {
        return "author=" + encoded(author) + "&tag=" + encoded(tag) + "&favorited=" + encoded(favoritedBy) + "&feed=" + feed;
    }

    private static String encoded(String value) {
        return value == null ? "-" : java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
