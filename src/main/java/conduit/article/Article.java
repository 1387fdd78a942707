package conduit.article;

import java.util.List;

import conduit.profile.Profile;

/** An article as a given viewer sees it. {@code body} is null in list results. */
public record Article(long id, String slug, String title, String description, String body, List<String> tagList,
                      long createdAt, long updatedAt, boolean favorited, int favoritesCount, Profile author) {
}
