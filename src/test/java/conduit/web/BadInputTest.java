package conduit.web;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every class of bad input gets a 4xx with a JSON body that names the problem, and changes nothing. */
class BadInputTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final URI uri = APP.uri();
    private final Api api = APP.api();
    private final String token = api.register(Api.unique("bad"));

    @Test
    void malformedJsonIs400WithWhereItBroke() {
        Api.Response r = api.post("/api/articles", token, "{\"article\": {\"title\": ");
        assertEquals(400, r.status());
        assertTrue(r.error("request").startsWith("body is not valid JSON"), r.text());
    }

    @Test
    void trailingGarbageAfterJsonIs400() {
        Api.Response r = api.post("/api/users/login", null, "{\"user\":{}} extra");
        assertEquals(400, r.status());
        assertTrue(r.error("request").startsWith("body is not valid JSON"), r.text());
    }

    @Test
    void emptyBodyIs400() {
        Api.Response r = api.post("/api/users", null, "");
        assertEquals(400, r.status());
        assertEquals("body is missing", r.error("request"));
    }

    @Test
    void wrongJsonTypeIs422NamingTheField() {
        Api.Response r = api.post("/api/articles", token,
                "{\"article\":{\"title\":42,\"description\":\"d\",\"body\":\"b\"}}");
        assertEquals(422, r.status());
        assertEquals("must be a string", r.error("title"));

        Api.Response tags = api.post("/api/articles", token,
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":\"x\"}}");
        assertEquals(422, tags.status());
        assertEquals("must be an array of strings", tags.error("tagList"));
    }

    @Test
    void missingOrWrongWrapperIs422() {
        Api.Response missing = api.post("/api/users", null, "{\"username\":\"x\",\"email\":\"x@x\",\"password\":\"12345678\"}");
        assertEquals(422, missing.status());
        assertEquals("is missing", missing.error("user"));

        Api.Response array = api.post("/api/articles", token, "[1,2]");
        assertEquals(422, array.status());
        assertEquals("is missing", array.error("article"));

        Api.Response notObject = api.post("/api/articles", token, "{\"article\":\"text\"}");
        assertEquals(422, notObject.status());
        assertEquals("must be an object", notObject.error("article"));
    }

    @Test
    void halfASurrogatePairIs422AndNothingIsCreated() {
        String me = Api.unique("half");
        String mine = api.register(me);
        Api.Response r = api.post("/api/articles", mine,
                "{\"article\":{\"title\":\"lone \\ud800\",\"description\":\"d\",\"body\":\"b\"}}");
        assertEquals(422, r.status(), r.text());
        assertTrue(r.error("title").contains("not valid Unicode"), r.text());
        Api.Response tags = api.post("/api/articles", mine,
                "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"ok\",\"\\udc00x\"]}}");
        assertEquals(422, tags.status(), tags.text());
        assertTrue(tags.error("tagList").contains("not valid Unicode"), tags.text());
        assertEquals(0, api.get("/api/articles?author=" + me, null).json().path("articlesCount").asInt());
        String emoji = api.post("/api/articles", mine,
                "{\"article\":{\"title\":\"pair \\ud83d\\ude00\",\"description\":\"d\",\"body\":\"b\"}}").json()
                .path("article").path("title").asText();
        assertEquals("pair \uD83D\uDE00", emoji, "a whole pair is a character like any other");
    }

    @Test
    void oversizeBodyIs413AndNothingIsCreated() {
        String huge = "x".repeat(JsonBody.MAX_BYTES + 10);
        Api.Response r = api.post("/api/articles", token,
                "{\"article\":{\"title\":\"huge\",\"description\":\"d\",\"body\":\"" + huge + "\"}}");
        assertEquals(413, r.status());
        assertNotNull(r.json(), "413 must carry a JSON body: " + r.text());
        assertTrue(r.error("request").startsWith("body is too large"), r.text());
        assertEquals(0, api.get("/api/articles?author=nobody-huge", null).json().path("articlesCount").asInt());
    }

    @Test
    void bodyOverTheServersHardLimitIsAlsoJson413() {
        byte[] body = new byte[JsonBody.MAX_BYTES * 2];
        java.util.Arrays.fill(body, (byte) 'x');
        Api.Response r = api.sendBytes("POST", "/api/users", null, body);
        assertEquals(413, r.status());
        assertTrue(r.error("request").startsWith("body is too large"), r.text());
    }

    @Test
    void malformedPercentEncodingIsJson400() throws Exception {
        // java.net.URI refuses to build this request, so it goes over a plain socket.
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write("GET /api/articles?tag=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 400"), response);
            assertTrue(response.contains("application/json"), response);
            assertTrue(response.endsWith("{\"errors\":{\"request\":[\"is malformed\"]}}"), response);
        }
    }

    @Test
    void absurdLimitAndOffsetAre422() {
        for (String query : new String[] {"limit=0", "limit=-1", "limit=101", "limit=abc", "limit=99999999999", "offset=-5", "offset=x"}) {
            Api.Response r = api.get("/api/articles?" + query, null);
            assertEquals(422, r.status(), query);
            String field = query.substring(0, query.indexOf('='));
            assertNotNull(r.error(field), query + " -> " + r.text());
        }
    }

    @Test
    void overLongFieldsAre422() {
        String title = "t".repeat(256);
        Api.Response r = api.post("/api/articles", token,
                "{\"article\":{\"title\":\"" + title + "\",\"description\":\"d\",\"body\":\"b\"}}");
        assertEquals(422, r.status());
        assertEquals("is too long (maximum is 255 characters)", r.error("title"));

        Api.Response user = api.post("/api/users", null, "{\"user\":{\"username\":\"" + "u".repeat(65)
                + "\",\"email\":\"long@example.com\",\"password\":\"12345678\"}}");
        assertEquals(422, user.status());
        assertEquals("is too long (maximum is 64 characters)", user.error("username"));

        Api.Response tag = api.post("/api/articles", token, "{\"article\":{\"title\":\"t\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\""
                + "g".repeat(65) + "\"]}}");
        assertEquals(422, tag.status());
        assertEquals("is too long (maximum is 64 characters)", tag.error("tagList"));

        Api.Response query = api.get("/api/articles?tag=" + "q".repeat(300), null);
        assertEquals(422, query.status());
        assertEquals("is too long (maximum is 255 characters)", query.error("tag"));
    }

    @Test
    void unknownSlugIs404() {
        Api.Response r = api.get("/api/articles/no-such-article-xyz", null);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("article"));
    }

    @Test
    void unknownUsernameIs404() {
        Api.Response r = api.get("/api/profiles/" + Api.unique("ghost"), null);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("profile"));
    }

    @Test
    void nonNumericCommentIdIs404ForTheComment() {
        String slug = api.article(token, "Commented");
        Api.Response r = api.delete("/api/articles/" + slug + "/comments/abc", token);
        assertEquals(404, r.status());
        assertEquals("not found", r.error("comment"));
        Api.Response big = api.delete("/api/articles/" + slug + "/comments/99999999999999999999999", token);
        assertEquals(404, big.status());
        assertEquals("not found", big.error("comment"));
    }

    @Test
    void unknownRouteIsJson404() {
        Api.Response r = api.get("/api/nothing/here", null);
        assertEquals(404, r.status());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertNotNull(r.error("route"), r.text());
    }

    @Test
    void invalidTokenIs401() {
        Api.Response r = api.get("/api/user", "not-a-real-token");
        assertEquals(401, r.status());
        assertNotNull(r.error("token"));
    }
}
