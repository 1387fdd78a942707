package conduit.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safe client retries with Idempotency-Key on every create, in one embedded instance (the Redis case is in CacheTierTest). */
class IdempotencyTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    private Api.Response post(String path, String token, String json, String key) {
        return api.sendWith("POST", path, token, json.getBytes(StandardCharsets.UTF_8), "Idempotency-Key", key);
    }

    private int articlesBy(String username) {
        return api.get("/api/articles?author=" + username, null).json().path("articlesCount").asInt();
    }

    @Test
    void aRetriedCreateReturnsTheFirstAnswerAndCreatesOneRow() {
        String name = Api.unique("idem");
        String token = api.register(name);
        String key = UUID.randomUUID().toString();
        String body = "{\"article\":{\"title\":\"Once\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"x\"]}}";
        Api.Response first = post("/api/articles", token, body, key);
        Api.Response retry = post("/api/articles", token, body, key);
        assertEquals(201, first.status(), first.text());
        assertEquals(201, retry.status(), retry.text());
        assertEquals(first.text(), retry.text(), "the same answer, byte for byte");
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertFalse(first.headers().firstValue("Idempotent-Replayed").isPresent());
        assertEquals(1, articlesBy(name), "one article, not two");
    }

    @Test
    void withoutAKeyEachPostCreates() {
        String name = Api.unique("nokey");
        String token = api.register(name);
        String body = "{\"article\":{\"title\":\"Twice\",\"description\":\"d\",\"body\":\"b\"}}";
        assertEquals(201, api.post("/api/articles", token, body).status());
        assertEquals(201, api.post("/api/articles", token, body).status());
        assertEquals(2, articlesBy(name), "the control: no key, no deduplication");
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndABadKeyToo() {
        String token = api.register(Api.unique("idem"));
        String key = UUID.randomUUID().toString();
        assertEquals(201, post("/api/articles", token, "{\"article\":{\"title\":\"A\",\"description\":\"d\",\"body\":\"b\"}}", key).status());
        Api.Response other = post("/api/articles", token, "{\"article\":{\"title\":\"B\",\"description\":\"d\",\"body\":\"b\"}}", key);
        assertEquals(422, other.status(), other.text());
        assertEquals("was already used for a different request", other.error("Idempotency-Key"));
        Api.Response bad = post("/api/articles", token, "{\"article\":{\"title\":\"C\",\"description\":\"d\",\"body\":\"b\"}}", "a key with spaces");
        assertEquals(422, bad.status());
        assertEquals("must be 1 to 255 visible ASCII characters", bad.error("Idempotency-Key"));
    }

    @Test
    void keysOfDifferentUsersNeverMeet() {
        String a = api.register(Api.unique("ida"));
        String b = api.register(Api.unique("idb"));
        String key = UUID.randomUUID().toString();
        String body = "{\"article\":{\"title\":\"Same\",\"description\":\"d\",\"body\":\"b\"}}";
        Api.Response first = post("/api/articles", a, body, key);
        Api.Response second = post("/api/articles", b, body, key);
        assertEquals(201, second.status());
        assertFalse(second.headers().firstValue("Idempotent-Replayed").isPresent(), "b's request is its own");
        assertTrue(!first.json().path("article").path("slug").asText().equals(second.json().path("article").path("slug").asText()));
    }

    @Test
    void aRetriedSignUpMakesOneAccountAndAnswersAsTheFirst() {
        String name = Api.unique("signup");
        String body = "{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}";
        String key = UUID.randomUUID().toString();
        Api.Response first = post("/api/users", null, body, key);
        Api.Response retry = post("/api/users", null, body, key);
        assertEquals(201, first.status());
        assertEquals(201, retry.status(), "not a 409 'taken': the same sign-up");
        assertEquals(first.json().path("user").path("token").asText(), retry.json().path("user").path("token").asText());
        assertEquals(200, api.get("/api/user", retry.json().path("user").path("token").asText()).status());
        assertEquals(409, api.post("/api/users", null, body).status(), "a new sign-up without the key is a duplicate");
    }

    @Test
    void commentsAndUploadsAreIdempotentToo() {
        String name = Api.unique("idc");
        String token = api.register(name);
        String slug = api.article(token, "Commented");
        String key = UUID.randomUUID().toString();
        String comment = "{\"comment\":{\"body\":\"only once\"}}";
        Api.Response first = post("/api/articles/" + slug + "/comments", token, comment, key);
        Api.Response retry = post("/api/articles/" + slug + "/comments", token, comment, key);
        assertEquals(first.text(), retry.text());
        assertEquals(1, api.get("/api/articles/" + slug + "/comments", null).json().path("comments").size());

        String upload = "{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":100,\"purpose\":\"profile\"}}";
        String uploadKey = UUID.randomUUID().toString();
        Api.Response u1 = post("/api/uploads", token, upload, uploadKey);
        Api.Response u2 = post("/api/uploads", token, upload, uploadKey);
        assertEquals(201, u1.status(), u1.text());
        assertEquals(u1.json().path("upload").path("key").asText(), u2.json().path("upload").path("key").asText());
    }

    @Test
    void concurrentRetriesCreateOneRow() {
        String name = Api.unique("race");
        String token = api.register(name);
        String key = UUID.randomUUID().toString();
        String body = "{\"article\":{\"title\":\"Raced\",\"description\":\"d\",\"body\":\"b\"}}";
        List<CompletableFuture<Api.Response>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(CompletableFuture.supplyAsync(() -> post("/api/articles", token, body, key)));
        }
        for (CompletableFuture<Api.Response> f : all) {
            int status = f.join().status();
            assertTrue(status == 201 || status == 409, "201 (first or replay) or 409 (still running): " + status);
        }
        assertEquals(1, articlesBy(name));
    }
}
