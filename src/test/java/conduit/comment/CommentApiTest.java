package conduit.comment;


import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommentApiTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    @Test
    void commentsListOldestFirstAndOnlyTheirAuthorDeletesThem() {
        String author = api.register(Api.unique("ca"));
        String other = api.register(Api.unique("cb"));
        String slug = api.article(author, "Talk");
        long first = api.post("/api/articles/" + slug + "/comments", author, "{\"comment\":{\"body\":\"first\"}}").json().path("comment").path("id").asLong();
        Api.Response second = api.post("/api/articles/" + slug + "/comments", other, "{\"comment\":{\"body\":\"second 🐉\"}}");
        assertEquals(201, second.status());

        JsonNode list = api.get("/api/articles/" + slug + "/comments", null).json().path("comments");
        assertEquals(2, list.size());
        assertEquals("first", list.get(0).path("body").asText());
        assertEquals("second 🐉", list.get(1).path("body").asText());

        Api.Response forbidden = api.delete("/api/articles/" + slug + "/comments/" + first, other);
        assertEquals(403, forbidden.status());
        assertEquals("forbidden", forbidden.error("comment"));
        assertEquals(204, api.delete("/api/articles/" + slug + "/comments/" + first, author).status());
        assertEquals(1, api.get("/api/articles/" + slug + "/comments", null).json().path("comments").size());
    }

    @Test
    void unknownArticleIsReportedBeforeTheComment() {
        String token = api.register(Api.unique("cc"));
        Api.Response r = api.delete("/api/articles/no-such-slug/comments/abc", token);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("article"));
    }

    @Test
    void blankAndOverlongCommentsAre422() {
        String token = api.register(Api.unique("cd"));
        String slug = api.article(token, "Limits");
        assertEquals("can't be blank", api.post("/api/articles/" + slug + "/comments", token, "{\"comment\":{\"body\":\"  \"}}").error("body"));
        Api.Response tooLong = api.post("/api/articles/" + slug + "/comments", token,
                "{\"comment\":{\"body\":\"" + "c".repeat(CommentService.MAX_BODY + 1) + "\"}}");
        assertEquals(422, tooLong.status());
        assertEquals("is too long (maximum is 10000 characters)", tooLong.error("body"));
    }
}
