package conduit.article;

import java.util.List;

import conduit.profile.Profile;

/**
 * An article as a given viewer sees it. {@code body} is null in list results; {@code authorId}
 * never reaches the JSON (it lets a viewer's {@code following} bit be looked up by id).
 */
public record Article(long id, long authorId, String slug, String title, String description, String body, List<String> tagList,
                      long createdAt, long updatedAt, boolean favorited, int favoritesCount, Profile author) {
}
