package conduit.article;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed-in reads are the cached public view with the viewer's own bits laid over it: each viewer
 * sees exactly their own {@code favorited} and {@code following}, never another's, and sees their
 * own favourite or follow on the very next read.
 */
class ViewerOverlayTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    @Test
    void twoViewersOfTheSameCachedPagesSeeOnlyTheirOwnBits() {
        String author = Api.unique("ova");
        String authorToken = api.register(author);
        String liked = api.article(authorToken, "Liked by one", "overlay");
        String other = api.article(authorToken, "Liked by none", "overlay");
        String fan = Api.unique("ovf");
        String fanToken = api.register(fan);
        String stranger = api.register(Api.unique("ovs"));
        assertEquals(200, api.post("/api/articles/" + liked + "/favorite", fanToken, "").status());
        assertEquals(200, api.post("/api/profiles/" + author + "/follow", fanToken, "").status());

        for (String list : new String[] {"/api/articles?limit=50", "/api/articles?author=" + author,
                "/api/articles?tag=overlay&limit=50", "/api/articles?favorited=" + fan}) {
            // The same page in turn for every viewer, twice: the second round is served from the cache.
            for (int round = 0; round < 2; round++) {
                JsonNode forFan = api.get(list, fanToken).json();
                JsonNode forStranger = api.get(list, stranger).json();
                JsonNode anonymous = api.get(list, null).json();
                assertEquals(true, find(forFan, liked).path("favorited").asBoolean(), list);
                assertEquals(true, find(forFan, liked).path("author").path("following").asBoolean(), list);
                assertEquals(false, find(forStranger, liked).path("favorited").asBoolean(), list);
                assertEquals(false, find(forStranger, liked).path("author").path("following").asBoolean(), list);
                assertEquals(false, find(anonymous, liked).path("favorited").asBoolean(), list);
                assertEquals(false, find(anonymous, liked).path("author").path("following").asBoolean(), list);
                assertEquals(1, find(forStranger, liked).path("favoritesCount").asInt(), list);
                if (!list.contains("favorited=")) {
                    assertFalse(find(forFan, other).path("favorited").asBoolean(), list);
                    assertTrue(find(forFan, other).path("author").path("following").asBoolean(), list);
                }
            }
        }
        for (int round = 0; round < 2; round++) {
            assertTrue(api.get("/api/articles/" + liked, fanToken).json().path("article").path("favorited").asBoolean());
            assertTrue(api.get("/api/articles/" + liked, fanToken).json().path("article").path("author").path("following").asBoolean());
            assertFalse(api.get("/api/articles/" + liked, stranger).json().path("article").path("favorited").asBoolean());
            assertFalse(api.get("/api/articles/" + liked, null).json().path("article").path("author").path("following").asBoolean());
        }
    }

    @Test
    void aViewersOwnFavouriteAndFollowShowOnTheirNextRead() {
        String author = Api.unique("owa");
        String authorToken = api.register(author);
        String slug = api.article(authorToken, "Read your own favourite");
        String viewer = api.register(Api.unique("owv"));
        String page = "/api/articles?author=" + author;
        assertFalse(find(api.get(page, viewer).json(), slug).path("favorited").asBoolean()); // cached now
        assertFalse(api.get("/api/articles/" + slug, viewer).json().path("article").path("favorited").asBoolean());

        api.post("/api/articles/" + slug + "/favorite", viewer, "");
        JsonNode listed = find(api.get(page, viewer).json(), slug);
        assertTrue(listed.path("favorited").asBoolean());
        assertEquals(1, listed.path("favoritesCount").asInt());
        JsonNode single = api.get("/api/articles/" + slug, viewer).json().path("article");
        assertTrue(single.path("favorited").asBoolean());
        assertEquals(1, single.path("favoritesCount").asInt());

        api.post("/api/profiles/" + author + "/follow", viewer, "");
        assertTrue(find(api.get(page, viewer).json(), slug).path("author").path("following").asBoolean());
        assertTrue(api.get("/api/articles/" + slug, viewer).json().path("article").path("author").path("following").asBoolean());

        api.delete("/api/articles/" + slug + "/favorite", viewer);
        api.delete("/api/profiles/" + author + "/follow", viewer);
        listed = find(api.get(page, viewer).json(), slug);
        assertFalse(listed.path("favorited").asBoolean());
        assertFalse(listed.path("author").path("following").asBoolean());
        assertEquals(0, listed.path("favoritesCount").asInt());
    }

    @Test
    void theOverlaidListIsByteForByteWhatThePerViewerQueryAnswers() {
        String author = Api.unique("oba");
        String authorToken = api.register(author);
        String viewer = api.register(Api.unique("obv"));
        api.post("/api/profiles/" + author + "/follow", viewer, "");
        String first = api.article(authorToken, "Quotes \\\"favorited\\\":false inside", "x");
        api.article(authorToken, "Second 🐉 \\\"following\\\":false", "y");
        api.post("/api/articles/" + first + "/favorite", viewer, "");
        // The feed is never cached: its items come from the per-viewer SQL, as every list's did before.
        String feed = api.get("/api/articles/feed", viewer).text();
        api.get("/api/articles?author=" + author, viewer); // fills the cache
        String overlaid = api.get("/api/articles?author=" + author, viewer).text();
        assertEquals(feed, overlaid);
        assertTrue(overlaid.contains("\"favorited\":true"), overlaid);
    }

    private static JsonNode find(JsonNode listing, String slug) {
        for (JsonNode a : listing.path("articles")) {
            if (a.path("slug").asText().equals(slug)) {
                return a;
            }
        }
        throw new AssertionError(slug + " not in " + listing);
    }
}
