package conduit.article;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArticleApiTest {
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    @Test
    void largeUnicodeBodyRoundTripsExactly() {
        String token = api.register(Api.unique("big"));
        StringBuilder body = new StringBuilder("# Title\n\n");
        String[] samples = {"Emoji 🐉🔥👩‍👩‍👧 ", "中文汉字 日本語 한국어 ", "עברית العربية ", "**bold** _em_ `code`\n"};
        for (int i = 0; body.length() < 120_000; i++) {
            body.append(samples[i % samples.length]);
        }
        String sent = body.toString();
        Api.Response created = api.post("/api/articles", token, "{\"article\":{\"title\":\"Big\",\"description\":\"d\",\"body\":"
                + Api.json(sent) + "}}");
        assertEquals(201, created.status());
        String slug = created.json().path("article").path("slug").asText();
        assertEquals(sent, api.get("/api/articles/" + slug, null).json().path("article").path("body").asText());
    }

    @Test
    void slugsAreAsciiUrlSafeAndUniqueForEqualTitles() {
        String token = api.register(Api.unique("slug"));
        String a = api.article(token, "中文 标题");
        String b = api.article(token, "中文 标题");
        String c = api.article(token, "Ça va? Déjà vu!");
        assertNotEquals(a, b);
        for (String slug : List.of(a, b, c)) {
            assertTrue(slug.matches("[a-z0-9-]+"), slug);
        }
        assertTrue(c.startsWith("ca-va-deja-vu-"), c);
    }

    @Test
    void articleShapeTimestampsAndSortedTags() {
        String name = Api.unique("shape");
        String token = api.register(name);
        String slug = api.article(token, "Shape", "zebra", "apple", "mango", "apple");
        JsonNode a = api.get("/api/articles/" + slug, null).json().path("article");
        assertEquals(List.of("apple", "mango", "zebra"), strings(a.path("tagList")));
        assertTrue(a.path("createdAt").asText().matches(TIMESTAMP), a.path("createdAt").asText());
        assertEquals(name, a.path("author").path("username").asText());
        assertFalse(a.path("favorited").asBoolean());
    }

    @Test
    void tagsOfAnyCharactersAndLengthComeBackExactInArticlesAndLists() {
        String name = Api.unique("oddtags");
        String token = api.register(name);
        List<String> tags = oddTags();
        String slug = api.article(token, "Odd tags", tags.toArray(String[]::new));
        List<String> expected = tags.stream().sorted().toList();
        assertEquals(expected, strings(api.get("/api/articles/" + slug, null).json().path("article").path("tagList")));
        assertEquals(expected, strings(api.get("/api/articles?author=" + name, null).json().path("articles").path(0).path("tagList")));
        String bare = api.article(token, "No tags");
        assertEquals(List.of(), strings(api.get("/api/articles/" + bare, null).json().path("article").path("tagList")));
    }

    /**
     * Twenty tags, the most an article may have, each of the most characters a tag may have, in
     * characters that JSON escapes or that UTF-8 takes 2 or 4 bytes for: over 2 KB of names, unique
     * to this call.
     */
    static List<String> oddTags() {
        String run = Api.unique("o");
        List<String> tags = new ArrayList<>(List.of(run + " quote\" back\\slash", run + " tab\tinside", run + " dragon 🐉🐉",
                run + " [\"json\", {}]", run + " comma, semi;"));
        for (int i = tags.size(); i < ArticleService.MAX_TAGS; i++) {
            String tag = run + " " + i + " " + "ä".repeat(ArticleService.MAX_TAG);
            tags.add(tag.substring(0, ArticleService.MAX_TAG));
        }
        return tags;
    }

    @Test
    void updateMovesUpdatedAtKeepsCreatedAtAndTagRules() {
        String token = api.register(Api.unique("upd"));
        String slug = api.article(token, "Before", "one", "two");
        JsonNode before = api.get("/api/articles/" + slug, null).json().path("article");
        JsonNode after = api.put("/api/articles/" + slug, token, "{\"article\":{\"body\":\"new body\"}}").json().path("article");
        assertEquals(before.path("createdAt"), after.path("createdAt"));
        assertNotEquals(before.path("updatedAt"), after.path("updatedAt"));
        assertEquals(slug, after.path("slug").asText(), "slug is kept when the title does not change");
        assertEquals(List.of("one", "two"), strings(after.path("tagList")), "omitted tagList keeps tags");

        JsonNode renamed = api.put("/api/articles/" + slug, token, "{\"article\":{\"title\":\"After\",\"tagList\":[]}}").json().path("article");
        assertTrue(renamed.path("slug").asText().startsWith("after-"));
        assertEquals(List.of(), strings(renamed.path("tagList")));
        assertEquals(404, api.get("/api/articles/" + slug, null).status());

        Api.Response nullTags = api.put("/api/articles/" + renamed.path("slug").asText(), token, "{\"article\":{\"tagList\":null}}");
        assertEquals(422, nullTags.status());
    }

    @Test
    void onlyTheAuthorMayEditOrDelete() {
        String author = api.register(Api.unique("own"));
        String other = api.register(Api.unique("other"));
        String slug = api.article(author, "Mine");
        assertEquals(403, api.put("/api/articles/" + slug, other, "{\"article\":{\"body\":\"x\"}}").status());
        assertEquals("forbidden", api.delete("/api/articles/" + slug, other).error("article"));
        assertEquals(200, api.get("/api/articles/" + slug, null).status());
    }

    /**
     * A large tag's pages, alone (from its links, newest first) and with an author (from {@link
     * ArticleStore#TAG_SCAN_FROM} articles on, found by walking the newest first): the same pages.
     */
    @Test
    void aLargeTagsPagesAreNewestFirstAndOnlyItsArticles() {
        String name = Api.unique("big-tag");
        String token = api.register(name);
        String tag = Api.unique("big");
        List<String> tagged = new ArrayList<>();
        int n = (int) ArticleStore.TAG_SCAN_FROM + 3;
        for (int i = 0; i < n; i++) {
            tagged.add(api.article(token, "Tagged " + i, tag, "other"));
            if (i % 50 == 0) {
                api.article(token, "Not tagged " + i, "other");
            }
        }
        JsonNode first = api.get("/api/articles?tag=" + tag + "&limit=3", null).json();
        assertEquals(n, first.path("articlesCount").asInt());
        assertEquals(List.of(tagged.get(n - 1), tagged.get(n - 2), tagged.get(n - 3)), slugs(first));
        JsonNode last = api.get("/api/articles?tag=" + tag + "&limit=5&offset=" + (n - 2), null).json();
        assertEquals(List.of(tagged.get(1), tagged.get(0)), slugs(last));
        JsonNode byAuthor = api.get("/api/articles?tag=" + tag + "&author=" + name + "&limit=3", null).json();
        assertEquals(n, byAuthor.path("articlesCount").asInt());
        assertEquals(slugs(first), slugs(byAuthor));
        assertEquals(slugs(last), slugs(api.get("/api/articles?tag=" + tag + "&author=" + name + "&limit=5&offset=" + (n - 2), null).json()));
    }

    private static List<String> slugs(JsonNode listing) {
        List<String> out = new ArrayList<>();
        listing.path("articles").forEach(a -> out.add(a.path("slug").asText()));
        return out;
    }

    @Test
    void listsArePagedNewestFirstWithTotalCountAndNoBody() {
        String name = Api.unique("page");
        String token = api.register(name);
        List<String> slugs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slugs.add(api.article(token, "Page " + i));
        }
        JsonNode page = api.get("/api/articles?author=" + name + "&limit=2&offset=1", null).json();
        assertEquals(5, page.path("articlesCount").asInt());
        assertEquals(List.of(slugs.get(3), slugs.get(2)), List.of(page.path("articles").get(0).path("slug").asText(),
                page.path("articles").get(1).path("slug").asText()));
        assertTrue(page.path("articles").get(0).path("body").isMissingNode());
        JsonNode beyond = api.get("/api/articles?author=" + name + "&offset=50", null).json();
        assertEquals(5, beyond.path("articlesCount").asInt());
        assertEquals(0, beyond.path("articles").size());
    }

    @Test
    void filtersByTagAndFavoritedAndFeedCombine() {
        String writer = Api.unique("w");
        String writerToken = api.register(writer);
        String reader = Api.unique("r");
        String readerToken = api.register(reader);
        String tag = Api.unique("tag");
        String tagged = api.article(writerToken, "Tagged", tag);
        api.article(writerToken, "Untagged");

        JsonNode byTag = api.get("/api/articles?tag=" + tag, null).json();
        assertEquals(1, byTag.path("articlesCount").asInt());
        assertEquals(tagged, byTag.path("articles").get(0).path("slug").asText());
        assertTrue(strings(api.get("/api/tags", null).json().path("tags")).contains(tag));

        JsonNode fav = api.post("/api/articles/" + tagged + "/favorite", readerToken, null).json().path("article");
        assertTrue(fav.path("favorited").asBoolean());
        assertEquals(1, fav.path("favoritesCount").asInt());
        JsonNode favorited = api.get("/api/articles?favorited=" + reader, readerToken).json();
        assertEquals(1, favorited.path("articlesCount").asInt());
        assertTrue(favorited.path("articles").get(0).path("favorited").asBoolean());
        JsonNode anonymous = api.get("/api/articles?favorited=" + reader, null).json();
        assertFalse(anonymous.path("articles").get(0).path("favorited").asBoolean(), "favorited is per caller");

        assertEquals(0, api.get("/api/articles/feed", readerToken).json().path("articlesCount").asInt());
        api.post("/api/profiles/" + writer + "/follow", readerToken, null);
        JsonNode feed = api.get("/api/articles/feed", readerToken).json();
        assertEquals(2, feed.path("articlesCount").asInt());
        assertTrue(feed.path("articles").get(0).path("author").path("following").asBoolean());
        assertEquals(401, api.get("/api/articles/feed", null).status());
    }

    @Test
    void deletingAnArticleRemovesItsCommentsFavouritesAndUnusedTags() {
        String token = api.register(Api.unique("del"));
        String tag = Api.unique("gone");
        String slug = api.article(token, "Doomed", tag);
        api.post("/api/articles/" + slug + "/comments", token, "{\"comment\":{\"body\":\"hi\"}}");
        api.post("/api/articles/" + slug + "/favorite", token, null);
        assertEquals(204, api.delete("/api/articles/" + slug, token).status());
        assertEquals(404, api.get("/api/articles/" + slug, null).status());
        assertEquals(404, api.get("/api/articles/" + slug + "/comments", null).status());
        assertFalse(strings(api.get("/api/tags", null).json().path("tags")).contains(tag));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
