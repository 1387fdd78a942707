package conduit.article;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed-in reads on the real data tier (MariaDB writer + replica, Redis query cache): in the
 * steady state a signed-in list page, article, article's comments or profile costs no statement at all (the public view and
 * the viewer's marks are both in memory), and the viewer's next favourite costs one statement to
 * load their marks again, counted on the servers themselves (their general query log); and a viewer's own favourite
 * shows on their next read even while the replica has not applied it.
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db redis")
@EnabledIfEnvironmentVariable(named = "REDIS_URL", matches = ".+", disabledReason = "needs scripts/stack up db redis")
class SignedInReadsOnMariaDbTest {
    private static App.Running start(Duration readYourWrites) {
        Settings settings = Stack.mysqlSettings(readYourWrites, Duration.ofSeconds(120)).toBuilder()
                .redis(Stack.standaloneRedis()).cacheTtl(Duration.ofSeconds(30)).build();
        return App.start(settings);
    }

    @Test
    void aSignedInListPageOrArticleCostsNoStatementInTheSteadyStateAndOneAfterTheViewersNextFavourite() throws Exception {
        try (App.Running app = start(Duration.ZERO)) {
            Api api = Api.of(app);
            String author = Api.unique("sta");
            String authorToken = api.register(author);
            String tag = Api.unique("st");
            List<String> slugs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slugs.add(api.article(authorToken, "Counted " + i, tag));
            }
            String viewerName = Api.unique("stv");
            String viewer = api.register(viewerName);
            api.post("/api/articles/" + slugs.get(1) + "/favorite", viewer, "");
            api.post("/api/profiles/" + author + "/follow", viewer, "");
            api.post("/api/articles/" + slugs.get(0) + "/comments", authorToken, "{\"comment\":{\"body\":\"Counted\"}}");
            List<String> paths = List.of("/api/articles?limit=10", "/api/articles?tag=" + tag, "/api/articles?author=" + author,
                    "/api/articles?favorited=" + viewerName, "/api/articles/" + slugs.get(0),
                    "/api/articles/" + slugs.get(0) + "/comments", "/api/profiles/" + author);
            Stack.await(Duration.ofSeconds(10), "the replica has the viewer's favourite",
                    () -> api.get("/api/articles?favorited=" + viewerName, null).json().path("articlesCount").asInt() == 1);
            for (String path : paths) {
                assertEquals(200, api.get(path, viewer).status()); // fills the cache: not counted
            }

            int rounds = 4;
            List<String> statements;
            generalLog(true);
            try {
                for (int i = 0; i < rounds; i++) {
                    for (String path : paths) {
                        JsonNode body = api.get(path, viewer).json();
                        JsonNode shown = body.has("profile") ? body.path("profile")
                                : (body.has("article") ? body.path("article") : body.path(body.has("comments") ? "comments" : "articles").path(0))
                                .path("author");
                        assertTrue(shown.path("following").asBoolean(), path + ": " + body);
                    }
                }
                statements = bothServers();
            } finally {
                generalLog(false);
            }
            assertEquals(List.of(), statements, "no statement: the public views and the viewer's marks are in memory");

            // The viewer's next favourite ends their kept marks: one statement loads them again.
            api.post("/api/articles/" + slugs.get(0) + "/favorite", viewer, "");
            generalLog(true);
            try {
                for (int i = 0; i < rounds; i++) {
                    JsonNode single = api.get("/api/articles/" + slugs.get(0), viewer).json().path("article");
                    assertTrue(single.path("favorited").asBoolean(), single.toString());
                }
                statements = bothServers().stream().filter(s -> s.startsWith("SELECT 0 AS kind")).toList();
            } finally {
                generalLog(false);
            }
            assertEquals(1, statements.size(), "the marks loaded once: " + statements);
            assertTrue(statements.get(0).contains("FROM favorites WHERE user_id = ") && statements.get(0).contains("FROM follows"), statements.get(0));
        }
    }

    private static List<String> bothServers() throws SQLException {
        List<String> statements = new ArrayList<>(appStatements("STACK_DB_READER_PORT"));
        statements.addAll(appStatements("STACK_DB_WRITER_PORT"));
        return statements;
    }

    @Test
    void aViewersOwnFavouriteShowsAtOnceWhileTheReplicaLags() {
        try (App.Running app = start(Duration.ofSeconds(5))) {
            Api api = Api.of(app);
            String author = Api.unique("rya");
            String slug = api.article(api.register(author), "Lagging favourite");
            String viewer = api.register(Api.unique("ryv"));
            String page = "/api/articles?author=" + author;
            Stack.await(Duration.ofSeconds(10), "the article replicated", () -> api.get(page, null).json().path("articlesCount").asInt() == 1);
            api.get(page, viewer); // cached now
            api.get("/api/articles/" + slug, viewer);
            Stack.onReader("STOP SLAVE SQL_THREAD");
            try {
                assertEquals(200, api.post("/api/articles/" + slug + "/favorite", viewer, "").status());
                JsonNode listed = api.get(page, viewer).json().path("articles").path(0);
                assertEquals(true, listed.path("favorited").asBoolean(), listed.toString());
                assertEquals(1, listed.path("favoritesCount").asInt(), listed.toString());
                JsonNode single = api.get("/api/articles/" + slug, viewer).json().path("article");
                assertEquals(true, single.path("favorited").asBoolean(), single.toString());
                assertEquals(1, single.path("favoritesCount").asInt(), single.toString());
            } finally {
                Stack.onReader("START SLAVE SQL_THREAD");
            }
        }
    }

    @Test
    void aViewersFavouriteOnOneInstanceShowsInTheirMarksKeptOnAnother() {
        try (App.Running a = start(Duration.ofSeconds(2)); App.Running b = start(Duration.ofSeconds(2))) {
            Api onA = Api.of(a);
            Api onB = Api.of(b);
            String author = Api.unique("rxa");
            String slug = onA.article(onA.register(author), "Favourited elsewhere");
            String viewer = onA.register(Api.unique("rxv"));
            String page = "/api/articles?author=" + author;
            Stack.await(Duration.ofSeconds(10), "the article replicated", () -> onB.get(page, null).json().path("articlesCount").asInt() == 1);
            Stack.sleep(2_100); // past the write window of the viewer's sign-up
            assertEquals(false, onB.get(page, viewer).json().path("articles").path(0).path("favorited").asBoolean()); // B keeps the marks
            Stack.onReader("STOP SLAVE SQL_THREAD");
            try {
                assertEquals(200, onA.post("/api/articles/" + slug + "/favorite", viewer, "").status());
                // Within the viewer's write window B reads their marks from the writer, not its kept copy.
                assertTrue(onB.get(page, viewer).json().path("articles").path(0).path("favorited").asBoolean(), "at once on B");
            } finally {
                Stack.onReader("START SLAVE SQL_THREAD");
            }
            // After the window B's kept marks are gone (the favourite bumped them): reloaded, still true.
            Stack.await(Duration.ofSeconds(10), "the replica caught up", () -> onB.get(page, null).json().path("articles").path(0)
                    .path("favoritesCount").asInt() == 1);
            Stack.sleep(2_100);
            for (int i = 0; i < 5; i++) {
                assertTrue(onB.get(page, viewer).json().path("articles").path(0).path("favorited").asBoolean(), "after the window, read " + i);
            }
            assertEquals(200, onA.post("/api/articles/" + slug + "/favorite", viewer, "").status()); // again: nothing changes
            assertEquals(200, onA.delete("/api/articles/" + slug + "/favorite", viewer).status());
            assertEquals(false, onB.get(page, viewer).json().path("articles").path(0).path("favorited").asBoolean(), "unfavourited, at once on B");
        }
    }

    /** Turns the general query log (to its table) on, emptied, on both servers, or off. */
    private static void generalLog(boolean on) throws SQLException {
        for (String port : List.of("STACK_DB_WRITER_PORT", "STACK_DB_READER_PORT")) {
            try (Connection c = admin(port); Statement s = c.createStatement()) {
                if (on) {
                    s.execute("SET GLOBAL log_output = 'TABLE'");
                    s.execute("TRUNCATE TABLE mysql.general_log");
                    s.execute("SET GLOBAL general_log = ON");
                } else {
                    s.execute("SET GLOBAL general_log = OFF");
                    s.execute("TRUNCATE TABLE mysql.general_log");
                }
            }
        }
    }

    /**
     * The app's statements on one server, less what runs on its own schedule whatever the requests
     * (the replica heartbeat, the mail outbox's poll) and connection housekeeping (SET, @@ reads).
     */
    private static List<String> appStatements(String port) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = admin(port); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                     + " WHERE user_host LIKE 'conduit[%' AND command_type IN ('Query', 'Execute') ORDER BY event_time")) {
            while (rs.next()) {
                String sql = rs.getString(1).strip().replaceAll("\\s+", " ");
                if (sql.matches("(?is)(select|insert|update|delete|replace|with)\\b.*") && !sql.contains("@@")
                        && !sql.contains("replica_heartbeat") && !sql.contains("mail_outbox")) {
                    out.add(sql);
                }
            }
        }
        return out;
    }

    private static Connection admin(String portVar) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + Stack.env(portVar) + "/",
                Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"));
    }
}
