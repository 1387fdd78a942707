package conduit.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conduit.Api;
import conduit.Stack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real process, as systemd runs it: SIGTERM turns readiness off at once, an in-flight slow
 * request still completes during the drain, the listener closes only afterwards; and its log is
 * JSON lines with no password, token or email in them.
 */
class GracefulDrainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Process process;
    private Path log;

    private URI observe;

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private URI start(Map<String, String> env) throws IOException {
        int port = freePort();
        int observePort = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "conduit.Main").redirectErrorStream(true);
        log = Files.createTempFile("conduit-drain", ".log");
        pb.redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DB_") || k.startsWith("REDIS_"));
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("OBSERVE_PORT", Integer.toString(observePort));
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("CONDUIT_DATA_DIR", Stack.tempDir().toString());
        process = pb.start();
        URI base = URI.create("http://127.0.0.1:" + port);
        observe = URI.create("http://127.0.0.1:" + observePort);
        Api api = new Api(observe);
        Stack.await(Duration.ofSeconds(30), "the app is ready", () -> {
            try {
                return api.get("/observe/health/ready", null).status() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        });
        return base;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermDrainsThenStopsAndTheSlowRequestCompletes() throws Exception {
        URI base = start(Map.of("DRAIN_SECONDS", "3", "SHUTDOWN_GRACE_SECONDS", "5"));
        Api api = new Api(base);
        String token = api.register(Api.unique("drain"));
        byte[] body = "{\"article\":{\"title\":\"Slow\",\"description\":\"sent slowly\",\"body\":\"in flight during the drain\"}}"
                .getBytes(StandardCharsets.UTF_8);

        try (Socket slow = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = slow.getOutputStream();
            out.write(("POST /api/articles HTTP/1.1\r\nHost: x\r\nAuthorization: Token " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();

            long sigterm = System.nanoTime();
            process.destroy(); // SIGTERM
            Api health = new Api(observe);
            Stack.await(Duration.ofSeconds(1), "readiness turns 503 at once", () -> health.get("/observe/health/ready", null).status() == 503);
            long readinessMillis = (System.nanoTime() - sigterm) / 1_000_000;
            Api.Response during = api.get("/api/tags", null);
            assertEquals(200, during.status(), "still serving while the load balancer drains: " + during.text());

            Thread.sleep(1500); // the client is slow: the rest of the body arrives mid-drain
            out.write(body, 10, body.length - 10);
            out.flush();
            String response = readResponse(slow.getInputStream());
            assertTrue(response.startsWith("HTTP/1.1 201"), "the in-flight request completed: " + response);
            assertTrue(readinessMillis < 1000, "readiness went 503 after " + readinessMillis + " ms");
        }
        assertTrue(process.waitFor(15, TimeUnit.SECONDS), "the process exits after drain and grace");
        List<String> stdout = Files.readAllLines(log);
        assertTrue(stdout.stream().anyMatch(l -> l.contains("SIGTERM: readiness is now 503")), String.join("\n", stdout));
    }

    @Test
    void logLinesAreJsonAndNeverCarryPasswordsTokensOrEmails() throws Exception {
        URI base = start(Map.of("DRAIN_SECONDS", "0"));
        Api api = new Api(base);
        String name = Api.unique("secret");
        String password = "Sup3r-Secret-Pass";
        api.post("/api/users", null, "{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name
                + "@example.com\",\"password\":\"" + password + "\"}}");
        Api.Response login = api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name
                + "@example.com\",\"password\":\"" + password + "\"}}");
        String token = login.json().path("user").path("token").asText();
        api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name + "@example.com\",\"password\":\"wrong-" + password + "\"}}");
        api.get("/api/user", token);
        api.post("/api/users", null, "{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name
                + "@example.com\",\"password\":\"" + password + "\"}}"); // duplicate: 409
        process.destroy();
        assertTrue(process.waitFor(15, TimeUnit.SECONDS));

        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("/api/users/login")), "the login was logged: " + lines);
        for (String line : lines) {
            if (line.startsWith("WARNING: ") || line.startsWith("[")) {
                continue; // the JVM's own notices on stderr (e.g. AOT cache warnings), not app logs
            }
            JsonNode json = JSON.readTree(line); // every app line is one JSON object
            assertTrue(json.has("time") && json.has("level") && json.has("logger") && json.has("message"), line);
            assertFalse(line.contains(password), "password in log: " + line);
            assertFalse(line.contains(token), "token in log: " + line);
            assertFalse(line.contains("@example.com"), "email in log: " + line);
        }
        JsonNode access = JSON.readTree(lines.stream().filter(l -> l.contains("\"route\":\"/api/users/login\"")).findFirst().orElseThrow());
        assertEquals("POST", access.path("method").asText());
        assertTrue(access.has("status") && access.has("durationMs") && access.has("requestId"));
    }

    private static String readResponse(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        byte[] buffer = new byte[4096];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            out.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (out.indexOf("\r\n\r\n") > 0 && out.toString().contains("\"article\"") && out.toString().endsWith("}}")) {
                break;
            }
        }
        return out.toString();
    }
}
