package conduit.comment;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An article's comments and a user's profile are cached public views, like articles and lists:
 * each viewer sees exactly their own {@code following} of each author, never another's, and a
 * comment added or deleted, an article deleted or a profile changed shows on the next read.
 */
class CommentAndProfileViewsTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    @Test
    void eachViewerSeesTheirOwnFollowingOnCachedCommentsAndProfiles() {
        String author = Api.unique("cva");
        String slug = api.article(api.register(author), "Talked about");
        String commenter = Api.unique("cvc");
        String commenterToken = api.register(commenter);
        JsonNode written = api.post("/api/articles/" + slug + "/comments", commenterToken, "{\"comment\":{\"body\":\"First\"}}")
                .json().path("comment");
        api.post("/api/articles/" + slug + "/comments", api.register(Api.unique("cvo")), "{\"comment\":{\"body\":\"Second\"}}");
        String fan = api.register(Api.unique("cvf"));
        String stranger = api.register(Api.unique("cvs"));
        assertEquals(200, api.post("/api/profiles/" + commenter + "/follow", fan, "").status());

        String comments = "/api/articles/" + slug + "/comments";
        String profile = "/api/profiles/" + commenter;
        for (int round = 0; round < 2; round++) { // the second round is served from the cache
            JsonNode forFan = api.get(comments, fan).json().path("comments");
            assertEquals(2, forFan.size(), forFan.toString());
            assertTrue(forFan.path(0).path("author").path("following").asBoolean(), forFan.toString());
            assertFalse(forFan.path(1).path("author").path("following").asBoolean(), forFan.toString());
            assertFalse(api.get(comments, stranger).json().path("comments").path(0).path("author").path("following").asBoolean());
            assertFalse(api.get(comments, null).json().path("comments").path(0).path("author").path("following").asBoolean());
            assertEquals(written, api.get(comments, commenterToken).json().path("comments").path(0),
                    "as the commenter sees it, the same as the answer to their write");

            assertTrue(api.get(profile, fan).json().path("profile").path("following").asBoolean());
            assertFalse(api.get(profile, stranger).json().path("profile").path("following").asBoolean());
            assertFalse(api.get(profile, null).json().path("profile").path("following").asBoolean());
        }
        assertEquals(200, api.delete("/api/profiles/" + commenter + "/follow", fan).status());
        assertFalse(api.get(comments, fan).json().path("comments").path(0).path("author").path("following").asBoolean());
        assertFalse(api.get(profile, fan).json().path("profile").path("following").asBoolean());
    }

    @Test
    void aCommentAddedOrDeletedAProfileChangedOrAnArticleDeletedShowsOnTheNextRead() {
        String authorToken = api.register(Api.unique("cwa"));
        String slug = api.article(authorToken, "Changing");
        String comments = "/api/articles/" + slug + "/comments";
        assertEquals(0, api.get(comments, null).json().path("comments").size()); // cached, empty
        String commenter = Api.unique("cwc");
        String commenterToken = api.register(commenter);
        long id = api.post(comments, commenterToken, "{\"comment\":{\"body\":\"Hello\"}}").json().path("comment").path("id").asLong();
        assertEquals(1, api.get(comments, null).json().path("comments").size());
        assertEquals("Hello", api.get(comments, null).json().path("comments").path(0).path("body").asText());

        String profile = "/api/profiles/" + commenter;
        assertEquals("", api.get(profile, null).json().path("profile").path("bio").asText("")); // cached
        assertEquals(200, api.put("/api/user", commenterToken, "{\"user\":{\"bio\":\"Now with a bio\"}}").status());
        assertEquals("Now with a bio", api.get(profile, null).json().path("profile").path("bio").asText());
        assertEquals("Now with a bio", api.get(comments, null).json().path("comments").path(0).path("author").path("bio").asText());

        assertEquals(204, api.delete(comments + "/" + id, commenterToken).status());
        assertEquals(0, api.get(comments, null).json().path("comments").size());
        assertEquals(204, api.delete("/api/articles/" + slug, authorToken).status());
        assertEquals(404, api.get(comments, null).status());
        assertEquals(404, api.get("/api/profiles/" + Api.unique("nobody"), null).status());
    }
}
