package conduit.article;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.App;
import conduit.GeneralLog;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the stack's MariaDB (no query cache, so every read reaches it): an article and a page of a
 * list are one statement each, their tags aggregated into each row, and tags of any characters
 * and of the most bytes an article can carry come back exact, from the writer and the replica.
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class ArticleRowsOnMariaDbTest {
    @Test
    void anArticleAndAListPageAreOneStatementEachWithTheirTagsExact() throws Exception {
        // Read-your-writes off: the anonymous and the follower's reads go to the replica.
        try (App.Running app = App.start(Stack.mysqlSettings(Duration.ZERO, Duration.ofSeconds(120)))) {
            Api api = new Api(URI.create("http://127.0.0.1:" + app.port()));
            String author = Api.unique("rows");
            String token = api.register(author);
            List<String> tags = ArticleApiTest.oddTags();
            String slug = api.article(token, "Rows", tags.toArray(String[]::new));
            String bare = api.article(token, "Rows bare");
            String follower = api.register(Api.unique("rowf"));
            api.post("/api/profiles/" + author + "/follow", follower, "");
            Stack.await(Duration.ofSeconds(10), "the replica has both articles and the follow",
                    () -> api.get("/api/articles/feed", follower).json().path("articlesCount").asInt() == 2);
            List<String> expected = tags.stream().sorted().toList();

            GeneralLog.start();
            List<String> statements;
            try {
                JsonNode single = api.get("/api/articles/" + slug, null).json().path("article");
                assertEquals(expected, ArticleApiTest.strings(single.path("tagList")));
                JsonNode feed = api.get("/api/articles/feed", follower).json().path("articles");
                assertEquals(List.of(bare, slug), List.of(feed.path(0).path("slug").asText(), feed.path(1).path("slug").asText()));
                assertEquals(List.of(), ArticleApiTest.strings(feed.path(0).path("tagList")));
                assertEquals(expected, ArticleApiTest.strings(feed.path(1).path("tagList")));
                statements = GeneralLog.bothServers().stream().filter(s -> s.contains("articles") || s.contains("article_tags")).toList();
            } finally {
                GeneralLog.stop();
            }
            // The article, the feed's count, the feed's page: no statement for the tags of either.
            assertEquals(3, statements.size(), statements.toString());
            assertTrue(statements.get(0).contains("JSON_ARRAYAGG") && statements.get(0).contains("WHERE a.slug = "), statements.get(0));
            assertTrue(statements.get(1).startsWith("SELECT COUNT(*)"), statements.get(1));
            assertTrue(statements.get(2).contains("JSON_ARRAYAGG") && statements.get(2).contains("LIMIT 20"), statements.get(2));
        }
    }
}
