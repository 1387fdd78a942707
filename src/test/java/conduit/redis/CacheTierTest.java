package conduit.redis;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import conduit.cache.Scopes;
import conduit.ratelimit.RateLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app with Redis for sessions, cache and rate limits (scripts/stack up redis). */
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up redis")
class CacheTierTest {

    private static double metric(App.Running app, String prefix) {
        return Stack.metric(app, prefix);
    }

    @Test
    void everyWritePathInvalidatesTheCachedPublicReads() {
        try (App.Running app = App.start(Stack.redisSettings())) {
            Api api = Api.of(app);
            String name = Api.unique("inv");
            String token = api.register(name);
            String tag = Api.unique("t");
            String slug = api.article(token, "Cached", tag);

            // Fill the caches, then check a second read is a hit.
            api.get("/api/articles?limit=20", null);
            double hits = metric(app, "cache_hits_total");
            JsonNode first = api.get("/api/articles?limit=20", null).json();
            assertTrue(metric(app, "cache_hits_total") > hits, "second anonymous read is served from the cache");
            assertEquals(slug, first.path("articles").get(0).path("slug").asText());
            api.get("/api/articles/" + slug, null);
            api.get("/api/tags", null);

            // Counts are cached too, for every viewer (the feed's aside): signed-in and filtered lists see them move.
            long total = api.get("/api/articles?limit=1", token).json().path("articlesCount").asLong();
            assertEquals(1, api.get("/api/articles?limit=1&tag=" + tag, token).json().path("articlesCount").asLong());
            String second = api.article(token, "Newer", tag);
            assertEquals(total + 1, api.get("/api/articles?limit=1", token).json().path("articlesCount").asLong(), "create: count");
            assertEquals(2, api.get("/api/articles?limit=1&tag=" + tag, token).json().path("articlesCount").asLong(), "create: tag count");
            assertEquals(second, api.get("/api/articles?limit=20", null).json().path("articles").get(0).path("slug").asText(), "create");

            api.put("/api/articles/" + slug, token, "{\"article\":{\"description\":\"changed\"}}");
            assertEquals("changed", api.get("/api/articles/" + slug, null).json().path("article").path("description").asText(), "update");

            String other = api.register(Api.unique("fan"));
            api.post("/api/articles/" + slug + "/favorite", other, null);
            assertEquals(1, api.get("/api/articles/" + slug, null).json().path("article").path("favoritesCount").asInt(), "favorite");
            api.delete("/api/articles/" + slug + "/favorite", other);
            assertEquals(0, api.get("/api/articles/" + slug, null).json().path("article").path("favoritesCount").asInt(), "unfavorite");

            api.put("/api/user", token, "{\"user\":{\"bio\":\"new bio\"}}");
            assertEquals("new bio", api.get("/api/articles/" + slug, null).json().path("article").path("author").path("bio").asText(), "profile");

            assertTrue(api.get("/api/tags", null).text().contains(tag));
            api.delete("/api/articles/" + slug, token);
            assertEquals(404, api.get("/api/articles/" + slug, null).status(), "delete");
            assertEquals(1, api.get("/api/articles?limit=1&tag=" + tag, null).json().path("articlesCount").asLong(), "delete: tag count");
            api.delete("/api/articles/" + second, token);
            assertFalse(api.get("/api/tags", null).text().contains(tag), "delete removes the tag");
        }
    }

    /** A retry that reaches another instance finds the first answer in Redis; the record reveals nothing. */
    @Test
    void anIdempotentRetryOnAnotherInstanceGetsTheFirstAnswer() {
        Settings settings = Stack.redisSettings();
        try (App.Running a = App.start(settings); App.Running b = App.start(settings.onFreeLoopbackPort(settings.dataDir()))) {
            String name = Api.unique("idemr");
            String key = java.util.UUID.randomUUID().toString();
            byte[] body = ("{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name
                    + "@example.com\",\"password\":\"correct horse\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Api.Response first = Api.of(a).sendWith("POST", "/api/users", null, body, "Idempotency-Key", key);
            Api.Response retry = Api.of(b).sendWith("POST", "/api/users", null, body, "Idempotency-Key", key);
            assertEquals(201, first.status(), first.text());
            assertEquals(first.text(), retry.text());
            assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));
            String token = first.json().path("user").path("token").asText();
            try (var redis = conduit.redis.RedisConnector.connect(Stack.standaloneRedis())) {
                var keys = redis.keys("conduit:idem:*");
                assertFalse(keys.isEmpty(), "the record is in Redis");
                for (String k : keys) {
                    String stored = new String(redis.get(k.getBytes()), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertFalse(stored.contains(token) || stored.contains(name) || k.contains(key), "a record holds a secret in clear: " + k);
                }
            }
        }
    }

    /**
     * A write invalidates only what it changes: a comment and a follow nothing cached, a favourite
     * of another (recent) article that article and the list pages, but not this article, the tags
     * or the list's count.
     */
    @Test
    void writesInvalidateOnlyTheViewsTheyChange() {
        Settings settings = Stack.redisSettings();
        try (App.Running app = App.start(settings)) {
            Api api = Api.of(app);
            String author = Api.unique("keep");
            String token = api.register(author);
            // Two scopes share one of the 1024 stripes about once in 1024 names, and then a write to
            // one invalidates the other too: every scope the writes below bump is kept off the
            // stripes of the two views this test expects to stay cached.
            String slug;
            do {
                slug = api.article(token, "Kept", Api.unique("t"));
            } while (sharesStripe(keptScopes(slug), Scopes.comments(slug), Scopes.LISTS, Scopes.FILTERED_LISTS));
            String other;
            do {
                other = api.article(token, "Other");
            } while (sharesStripe(keptScopes(slug), Scopes.article(other)));
            String reader;
            String readerName;
            do {
                readerName = Api.unique("rd");
                reader = api.register(readerName);
            } while (sharesStripe(keptScopes(slug), Scopes.viewer(userId(settings, readerName))));
            List<String> kept = List.of("/api/articles/" + slug, "/api/tags");
            List<String> before = kept.stream().map(v -> api.get(v, null).text()).toList();
            api.get("/api/articles?limit=20", null);

            api.post("/api/articles/" + slug + "/comments", reader, "{\"comment\":{\"body\":\"hi\"}}");
            api.post("/api/profiles/" + author + "/follow", reader, null);
            api.post("/api/articles/" + other + "/favorite", reader, null);
            double hits = metric(app, "cache_hits_total");
            double misses = metric(app, "cache_misses_total");
            assertEquals(before, kept.stream().map(v -> api.get(v, null).text()).toList());
            assertEquals(hits + 2, metric(app, "cache_hits_total"), "this article and the tags still cached");
            assertEquals(misses, metric(app, "cache_misses_total"));
            JsonNode list = api.get("/api/articles?limit=20", null).json();
            assertEquals(misses + 1, metric(app, "cache_misses_total"),
                    "the lists show favourite counts: the page reloaded; a favourite changes no list's number of articles");
            assertEquals(1, list.path("articles").get(0).path("favoritesCount").asInt());
        }
    }

    private static List<String> keptScopes(String slug) {
        return List.of(Scopes.article(slug), Scopes.TAGS);
    }

    private static boolean sharesStripe(List<String> kept, String... bumped) {
        return kept.stream().anyMatch(k -> Arrays.stream(bumped).anyMatch(b -> Scopes.stripe(b) == Scopes.stripe(k)));
    }

    /** The user's id in the app's embedded database (this JVM's H2 shares it with the app). */
    private static long userId(Settings settings, String username) {
        try (Connection c = DriverManager.getConnection(settings.db().writerUrl(), settings.db().username(), settings.db().password());
             PreparedStatement s = c.prepareStatement("SELECT id FROM users WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "user " + username);
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void perUserFieldsNeverCrossUsersThroughTheCache() {
        try (App.Running app = App.start(Stack.redisSettings())) {
            Api api = Api.of(app);
            String author = Api.unique("au");
            String authorToken = api.register(author);
            String slug = api.article(authorToken, "Shared");
            String fan = api.register(Api.unique("fan"));
            api.post("/api/articles/" + slug + "/favorite", fan, null);
            api.post("/api/profiles/" + author + "/follow", fan, null);

            for (int i = 0; i < 2; i++) { // the second round reads warm caches
                JsonNode anonymous = api.get("/api/articles/" + slug, null).json().path("article");
                assertFalse(anonymous.path("favorited").asBoolean());
                assertFalse(anonymous.path("author").path("following").asBoolean());
                JsonNode fanView = api.get("/api/articles/" + slug, fan).json().path("article");
                assertTrue(fanView.path("favorited").asBoolean());
                assertTrue(fanView.path("author").path("following").asBoolean());
                JsonNode fanList = api.get("/api/articles?limit=20", fan).json().path("articles").get(0);
                assertTrue(fanList.path("favorited").asBoolean());
                JsonNode anonList = api.get("/api/articles?limit=20", null).json().path("articles").get(0);
                assertFalse(anonList.path("favorited").asBoolean());
            }
        }
    }

    @Test
    void sessionsAreSharedAndRevokedAcrossInstances() {
        Settings settings = Stack.redisSettings();
        try (App.Running one = App.start(settings); App.Running two = App.start(settings)) {
            Api a = Api.of(one);
            Api b = Api.of(two);
            String name = Api.unique("shared");
            String token = a.register(name);
            assertEquals(200, b.get("/api/user", token).status(), "a session made on one instance works on another");
            String second = b.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}")
                    .json().path("user").path("token").asText();
            assertEquals(200, a.put("/api/user", token, "{\"user\":{\"password\":\"another password\"}}").status());
            assertEquals(401, b.get("/api/user", second).status(), "password change revokes the other sessions everywhere");
            assertEquals(204, b.post("/api/users/logout", token, null).status());
            assertEquals(401, a.get("/api/user", token).status(), "logout on one instance ends the session on all");
        }
    }

    @Test
    void loginRateLimitHoldsAcrossTwoInstances() {
        Settings settings = Stack.redisSettings().toBuilder()
                .limits(Stack.redisSettings().limits().toBuilder()
                        .loginPerAccount(new RateLimits.Rate(3, Duration.ofMinutes(1))).build()).build();
        try (App.Running one = App.start(settings); App.Running two = App.start(settings)) {
            Api a = Api.of(one);
            Api b = Api.of(two);
            String name = Api.unique("limit");
            a.register(name);
            String wrong = "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"wrong password\"}}";
            assertEquals(401, a.post("/api/users/login", null, wrong).status());
            assertEquals(401, b.post("/api/users/login", null, wrong).status());
            assertEquals(401, a.post("/api/users/login", null, wrong).status());
            Api.Response limited = b.post("/api/users/login", null, wrong);
            assertEquals(429, limited.status());
            assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
            assertTrue(limited.error("login").startsWith("too many attempts"), limited.text());
        }
    }

    @Test
    void withRedisDownPublicReadsWorkAndSessionCallsFailFastThenBothRecover() {
        try (App.Running app = App.start(Stack.redisSettings())) {
            Api api = Api.of(app);
            String name = Api.unique("down");
            String token = api.register(name);
            api.article(token, "Survives");
            Stack.script("down", "redis");
            try {
                assertEquals(200, api.get("/api/articles?limit=5", null).status(), "public list");
                assertEquals(200, api.get("/api/tags", null).status(), "public tags");
                assertEquals(200, api.get("/api/articles?limit=5", token).status(), "a public read with a token still answers");
                long start = System.nanoTime();
                Api.Response me = api.get("/api/user", token);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(503, me.status());
                assertEquals("is temporarily unavailable", me.error("session"));
                assertTrue(me.headers().firstValue("Retry-After").isPresent());
                assertTrue(millis < 2000, "failed fast: " + millis + " ms");
                Api observe = new Api(Stack.observe(app));
                Stack.await(Duration.ofSeconds(5), "Redis shows as down in the health details", () -> observe
                        .get("/observe/health/ready", null).text()
                        .matches("(?s).*\"name\":\"redis\",\"status\":\"UP\",\"data\":\\{[^}]*\"state\":\"down\".*"));
                assertEquals(200, observe.get("/observe/health/ready", null).status(), "Redis is a soft dependency for readiness");
            } finally {
                Stack.script("up", "redis");
            }
            // The stack's Redis keeps an append-only file (as ElastiCache keeps a replica): the
            // session from before the outage works again once the probe has closed the breaker.
            Stack.await(Duration.ofSeconds(5), "the same session works again", () -> api.get("/api/user", token).status() == 200);
            assertEquals(200, api.get("/api/articles?limit=5", null).status());
        }
    }
}
