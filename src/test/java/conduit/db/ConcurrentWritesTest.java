package conduit.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import conduit.Api;
import conduit.App;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrent article creation with shared and new tags on the real MariaDB writer: every request
 * succeeds (InnoDB gap locks once made these deadlock; scripts/bench found it).
 */
@EnabledIfEnvironmentVariable(named = "DB_WRITER_URL", matches = ".+", disabledReason = "needs scripts/stack up db")
class ConcurrentWritesTest {

    @Test
    void concurrentCreatesWithTagsAllSucceed() throws Exception {
        try (App.Running app = App.start(Stack.mysqlSettings(Duration.ofSeconds(5), Duration.ofSeconds(5)))) {
            Api api = Api.of(app);
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tokens.add(api.register(Api.unique("conc")));
            }
            String shared = Api.unique("shared");
            ConcurrentHashMap<Integer, Integer> statuses = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String token = tokens.get(t);
                int writer = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 12; i++) {
                        int status = api.post("/api/articles", token, "{\"article\":{\"title\":\"c " + writer + " " + i
                                + "\",\"description\":\"d\",\"body\":\"b\",\"tagList\":[\"" + shared + "\",\"own" + writer + "x" + i + "\"]}}").status();
                        statuses.merge(status, 1, Integer::sum);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertEquals(java.util.Map.of(201, 96), statuses, "every concurrent create succeeded");
            // An anonymous read goes to the replica, which may be a few milliseconds behind.
            Stack.await(Duration.ofSeconds(5), "all 96 articles visible on the reader", () ->
                    api.get("/api/articles?tag=" + shared + "&limit=1", null).json().path("articlesCount").asInt() == 96);
        }
    }
}
