package conduit.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import conduit.Api;
import conduit.App;
import conduit.Settings;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data tier against a real MariaDB writer and replicating reader (scripts/stack up db).
 * Each test leaves the stack as it found it (replication running, both servers up).
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class ReadWriteSplitTest {
    private static final String READER_READS = "db_reads_total{pool=\"reader\"";

    private static App.Running start(Duration readYourWrites, Duration maxLag) {
        return App.start(Stack.mysqlSettings(readYourWrites, maxLag));
    }

    @Test
    void authorSeesTheirNewArticleWhileAnonymousReadsComeFromTheLaggingReader() {
        try (App.Running app = start(Duration.ofSeconds(5), Duration.ofSeconds(120))) {
            Api api = Api.of(app);
            String name = Api.unique("ryw");
            String token = api.register(name);
            Stack.await(Duration.ofSeconds(10), "user replicated", () -> api.get("/api/profiles/" + name, null).status() == 200);
            Stack.onReader("STOP SLAVE SQL_THREAD");
            try {
                String slug = api.article(token, "Fresh");
                assertEquals(200, api.get("/api/articles/" + slug, token).status(), "the author reads their own write");
                assertEquals(1, api.get("/api/articles?author=" + name, token).json().path("articlesCount").asInt());

                double readerBefore = Stack.metric(app, READER_READS);
                assertEquals(0, api.get("/api/articles?author=" + name, null).json().path("articlesCount").asInt(),
                        "an anonymous read is served by the reader, which has not applied the insert");
                assertTrue(Stack.metric(app, READER_READS) > readerBefore);
                assertEquals(404, api.get("/api/articles/" + slug, null).status());
            } finally {
                Stack.onReader("START SLAVE SQL_THREAD");
            }
            Stack.await(Duration.ofSeconds(10), "reader caught up",
                    () -> api.get("/api/articles?author=" + name, null).json().path("articlesCount").asInt() == 1);
        }
    }

    @Test
    void readsLeaveAReaderLaggingPastTheBoundAndReturnWhenItCatchesUp() {
        try (App.Running app = start(Duration.ZERO, Duration.ofMillis(1000))) {
            Api api = Api.of(app);
            String name = Api.unique("lag");
            String token = api.register(name);
            Stack.await(Duration.ofSeconds(10), "user replicated", () -> api.get("/api/profiles/" + name, null).status() == 200);
            double lagBefore = Stack.metric(app, "db_reader_fallbacks_total{reason=\"lag\"");
            Stack.onReader("STOP SLAVE SQL_THREAD");
            try {
                api.article(token, "Lagging");
                Stack.await(Duration.ofSeconds(10), "reads move to the writer",
                        () -> api.get("/api/articles?author=" + name, null).json().path("articlesCount").asInt() == 1);
                assertTrue(Stack.metric(app, "db_reader_fallbacks_total{reason=\"lag\"") > lagBefore);
            } finally {
                Stack.onReader("START SLAVE SQL_THREAD");
            }
            Stack.await(Duration.ofSeconds(10), "reads return to the reader", () -> {
                double before = Stack.metric(app, READER_READS);
                api.get("/api/tags", null);
                return Stack.metric(app, READER_READS) > before;
            });
        }
    }

    @Test
    void readsFallBackToTheWriterWhileTheReaderIsDownAndReturnAfter() {
        try (App.Running app = start(Duration.ZERO, Duration.ofSeconds(5))) {
            Api api = Api.of(app);
            double fallbacksBefore = Stack.metric(app, "db_reader_fallbacks_total{reason=\"error\"")
                    + Stack.metric(app, "db_reader_fallbacks_total{reason=\"down\"");
            Stack.script("stop-db", "reader");
            try {
                for (int i = 0; i < 5; i++) {
                    assertEquals(200, api.get("/api/articles?limit=5", null).status());
                    assertEquals(200, api.get("/api/tags", null).status());
                }
                double fallbacksAfter = Stack.metric(app, "db_reader_fallbacks_total{reason=\"error\"")
                        + Stack.metric(app, "db_reader_fallbacks_total{reason=\"down\"");
                assertTrue(fallbacksAfter >= fallbacksBefore + 10, "every read fell back: " + fallbacksBefore + " -> " + fallbacksAfter);
                Api observe = new Api(Stack.observe(app));
                Stack.await(Duration.ofSeconds(5), "the reader shows as down in the health details", () -> observe
                        .get("/observe/health/ready", null).text()
                        .matches("(?s).*\"name\":\"database-reader\",\"status\":\"UP\",\"data\":\\{[^}]*\"state\":\"down\".*"));
                assertEquals(200, observe.get("/observe/health/ready", null).status(), "a reader outage does not fail readiness");
            } finally {
                Stack.script("start-db", "reader");
            }
            Stack.await(Duration.ofSeconds(20), "reads return to the reader", () -> {
                double before = Stack.metric(app, READER_READS);
                api.get("/api/tags", null);
                return Stack.metric(app, READER_READS) > before;
            });
        }
    }

    @Test
    void writesWorkAgainAfterTheWriterRestartsWithoutRestartingTheApp() {
        try (App.Running app = start(Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            Api api = Api.of(app);
            String token = api.register(Api.unique("restart"));
            api.article(token, "Before restart");
            Stack.script("restart-db", "writer");
            List<Integer> statuses = new ArrayList<>();
            Stack.await(Duration.ofSeconds(30), "a write succeeds after the restart", () -> {
                int status = api.post("/api/articles", token,
                        "{\"article\":{\"title\":\"After restart\",\"description\":\"d\",\"body\":\"b\"}}").status();
                statuses.add(status);
                return status == 201;
            });
            assertTrue(statuses.stream().allMatch(s -> s == 201 || s == 503), "only 503s while it was down: " + statuses);
        }
    }

    @Test
    void twoInstancesStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
        String database = "conduit_" + Api.unique("mig");
        Stack.onWriter("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        try {
            Settings base = Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5));
            DbSettings db = base.db();
            DbSettings fresh = db.toBuilder().writerUrl(db.writerUrl().replace("/conduit", "/" + database))
                    .readerUrl(db.readerUrl().replace("/conduit", "/" + database))
                    .credentials(Stack.env("STACK_DB_ADMIN_USER"), Stack.env("STACK_DB_ADMIN_PASSWORD"))
                    .writerPoolSize(4).readerPoolSize(4).build();
            Settings settings = base.toBuilder().db(fresh).build();
            CompletableFuture<App.Running> a = CompletableFuture.supplyAsync(() -> App.start(settings));
            CompletableFuture<App.Running> b = CompletableFuture.supplyAsync(() -> App.start(settings));
            try (App.Running first = a.get(); App.Running second = b.get()) {
                assertEquals(200, Api.of(first).get("/api/tags", null).status());
                assertEquals(200, Api.of(second).get("/api/tags", null).status());
                String name = Api.unique("both");
                Api.of(first).register(name);
                assertEquals(200, Api.of(second).get("/api/profiles/" + name, null).status());
            }
            assertEquals(migrationCount(), appliedMigrations(database, fresh), "each migration applied exactly once");
        } finally {
            Stack.onWriter("DROP DATABASE " + database);
        }
    }

    private static int migrationCount() throws Exception {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return (int) files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
    }

    private static int appliedMigrations(String database, DbSettings db) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(db.writerUrl(), db.username(), db.password());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT COUNT(*) FROM " + database + ".flyway_schema_history WHERE success = 1 AND version IS NOT NULL")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
