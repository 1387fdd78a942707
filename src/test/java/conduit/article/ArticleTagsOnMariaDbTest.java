package conduit.article;

import java.time.Duration;
import java.util.List;

import conduit.Api;
import conduit.App;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the stack's MariaDB (no query cache, so every read reaches it): the most tags an article may
 * have, of the most characters, in characters JSON escapes and 4-byte UTF-8, come back exact and
 * alphabetical from the writer (the author's read, inside read-your-writes) and from the replica
 * (an anonymous read), in the article and in a list.
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class ArticleTagsOnMariaDbTest {
    @Test
    void oddTagsComeBackExactFromTheWriterAndTheReplica() {
        try (App.Running app = App.start(Stack.mysqlSettings(Duration.ofSeconds(30), Duration.ofSeconds(120)))) {
            Api api = Api.of(app);
            String author = Api.unique("oddt");
            String token = api.register(author);
            List<String> tags = ArticleApiTest.oddTags();
            String slug = api.article(token, "Odd tags", tags.toArray(String[]::new));
            List<String> expected = tags.stream().sorted().toList();

            assertEquals(expected, ArticleApiTest.strings(api.get("/api/articles/" + slug, token).json().path("article").path("tagList")),
                    "from the writer");
            String list = "/api/articles?author=" + author;
            assertEquals(expected, ArticleApiTest.strings(api.get(list, token).json().path("articles").path(0).path("tagList")));
            Stack.await(Duration.ofSeconds(10), "the replica has the article",
                    () -> api.get(list, null).json().path("articlesCount").asInt() == 1);
            assertEquals(expected, ArticleApiTest.strings(api.get("/api/articles/" + slug, null).json().path("article").path("tagList")),
                    "from the replica");
            assertEquals(expected, ArticleApiTest.strings(api.get(list, null).json().path("articles").path(0).path("tagList")));
        }
    }
}
