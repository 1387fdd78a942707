package conduit.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large API bodies share a memory budget: one too many waits, then gets 503; small ones always pass. */
class BodyBudgetTest {
    private static final String LARGE = "{\"x\":{\"s\":\"" + "a".repeat(JsonBody.MAX_BYTES - 100) + "\"}}";
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient client = HttpClient.newHttpClient();
    private WebServer server;

    @BeforeEach
    void start() {
        HttpRouting.Builder routing = HttpRouting.builder()
                // Room for one maximum-size body (and a half), not two.
                .addFilter(new BodyBudget(JsonBody.MAX_BYTES * 3L / 2, Duration.ofMillis(300), Duration.ofSeconds(2)));
        ErrorHandling.register(routing);
        routing.post("/api/hold", (req, res) -> {
            int length = JsonBody.read(req, "x").string("s").length();
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            Responses.ok(res, java.util.Map.of("length", length));
        });
        routing.post("/api/quick", (req, res) -> Responses.ok(res, java.util.Map.of("s", JsonBody.read(req, "x").string("s"))));
        routing.post("/api/echo", (req, res) -> {
            byte[] raw = JsonBody.read(req, "x").raw();
            Responses.ok(res, java.util.Map.of("echo", raw.length + " bytes, hash " + java.util.Arrays.hashCode(raw)));
        });
        server = WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(4L * 1024 * 1024)
                .routing(routing).build().start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return postAsync(path, body).get(30, TimeUnit.SECONDS);
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLargeBodyBeyondTheBudgetGets503AndTheBudgetComesBack() throws Exception {
        CompletableFuture<HttpResponse<String>> first = postAsync("/api/hold", LARGE);
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the first large body was admitted");

        long start = System.nanoTime();
        HttpResponse<String> refused = post("/api/quick", LARGE);
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        assertTrue(refused.body().contains("\"request\""), refused.body());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "it waited for the budget first");

        HttpResponse<String> small = post("/api/quick", "{\"x\":{\"s\":\"small\"}}");
        assertEquals(200, small.statusCode(), "small bodies need no reservation");

        release.countDown();
        HttpResponse<String> done = first.get(30, TimeUnit.SECONDS);
        assertEquals(200, done.statusCode());
        assertEquals("{\"length\":" + (JsonBody.MAX_BYTES - 100) + "}", done.body());
        assertEquals(200, post("/api/quick", LARGE).statusCode(), "the budget was returned");
    }

    /**
     * The budget is drawn as bytes arrive: clients that announce large bodies and then send nothing
     * (or stall halfway) hold only what they sent, and a real large body still gets through. Before,
     * each reserved the full size up front, and two such clients made every large post a 503.
     */
    @Test
    void announcedBytesThatDoNotArriveHoldNoBudget() throws Exception {
        BodyBudget budget = new BodyBudget(JsonBody.MAX_BYTES * 3L / 2, Duration.ofMillis(300), Duration.ofSeconds(20));
        HttpRouting.Builder routing = HttpRouting.builder().addFilter(budget);
        ErrorHandling.register(routing);
        routing.post("/api/quick", (req, res) -> Responses.ok(res, java.util.Map.of("n", JsonBody.read(req, "x").string("s").length())));
        WebServer idleServer = WebServer.builder().host("127.0.0.1").port(0).maxPayloadSize(4L * 1024 * 1024).routing(routing).build().start();
        long full = budget.available();
        String half = "{\"x\":{\"s\":\"" + "b".repeat(JsonBody.MAX_BYTES / 2);
        try (conduit.RawHttp announced = new conduit.RawHttp(idleServer.port());
             conduit.RawHttp chunked = new conduit.RawHttp(idleServer.port());
             conduit.RawHttp stalled = new conduit.RawHttp(idleServer.port())) {
            announced.send("POST /api/quick HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
                    + (JsonBody.MAX_BYTES - 10) + "\r\n\r\n");
            chunked.send("POST /api/quick HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            stalled.send("POST /api/quick HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
                    + (JsonBody.MAX_BYTES - 10) + "\r\n\r\n" + half);
            Thread.sleep(500);
            long held = full - budget.available();
            assertTrue(held <= JsonBody.MAX_BYTES / 2 + 2 * BodyBudget.STEP, "only the stalled half is held: " + held);
            HttpResponse<String> large = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + idleServer.port() + "/api/quick"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(LARGE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, large.statusCode(), "a whole large body is admitted while the others wait: " + large.body());
        } finally {
            idleServer.stop();
        }
        assertEquals(full, budget.available(), "everything returned once the requests are over");
    }

    /**
     * A body that declares its length is read in one step of that length and one byte more (not a
     * 64 KiB array); longer ones in 64 KiB steps. Bodies around the step's size, declared or
     * chunked, arrive whole.
     */
    @Test
    void bodiesAroundTheStepSizeArriveWhole() throws Exception {
        int frame = "{\"x\":{\"s\":\"\"}}".length();
        for (int size : new int[] {frame + 300, BodyBudget.STEP - 1, BodyBudget.STEP, BodyBudget.STEP + 1, 3 * BodyBudget.STEP + 7}) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; text.length() < size - frame; i++) {
                text.append((char) ('a' + i % 26));
            }
            String body = "{\"x\":{\"s\":\"" + text + "\"}}";
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            String expected = "{\"echo\":\"" + size + " bytes, hash " + java.util.Arrays.hashCode(bytes) + "\"}";
            assertEquals(expected, post("/api/echo", body).body(), "declared, " + size + " bytes");
            // No Content-Length: the client sends it chunked.
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/echo"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(expected, chunked.body(), "chunked, " + size + " bytes");
        }
    }
}
