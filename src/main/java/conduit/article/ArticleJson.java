package conduit.article;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import conduit.common.Clock;
import conduit.profile.Profile;

/** The RealWorld article object; {@code body} is left out of list items. */
record ArticleJson(String slug, String title, String description,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String body,
                   List<String> tagList, String createdAt, String updatedAt,
                   boolean favorited, int favoritesCount, Profile author) {

    static ArticleJson of(Article a) {
        return new ArticleJson(a.slug(), a.title(), a.description(), a.body(), a.tagList(),
                Clock.format(a.createdAt()), Clock.format(a.updatedAt()), a.favorited(), a.favoritesCount(), a.author());
    }

    static Map<String, ArticleJson> single(Article a) {
        return Map.of("article", of(a));
    }

    /** {@code {"articles":[...],"articlesCount":N}}; a record keeps the key order stable. */
    record Listing(List<ArticleJson> articles, long articlesCount) {
        static Listing of(ArticleService.Listing listing) {
            return new Listing(listing.articles().stream().map(ArticleJson::of).toList(), listing.articlesCount());
        }
    }
}
