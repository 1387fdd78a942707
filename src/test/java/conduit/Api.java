package conduit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small HTTP client for API tests: JSON in, parsed JSON out. */
public final class Api {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime() % 1_000_000_000L);
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    public Api(URI base) {
        this.base = base;
    }

    /** A client of a running app's public port, on loopback. */
    public static Api of(App.Running app) {
        return new Api(URI.create("http://127.0.0.1:" + app.port()));
    }

    /** A status, the raw body, and the body as JSON when it is JSON. */
    public record Response(int status, String text, JsonNode json, HttpHeaders headers) {
        public String error(String field) {
            JsonNode messages = json.path("errors").path(field);
            return messages.isArray() && !messages.isEmpty() ? messages.get(0).asText() : null;
        }
    }

    /** A unique name for test data. */
    public static String unique(String prefix) {
        return prefix + "_" + SEQ.incrementAndGet();
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Response post(String path, String token, String json) {
        return send("POST", path, token, json);
    }

    public Response put(String path, String token, String json) {
        return send("PUT", path, token, json);
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    public Response send(String method, String path, String token, String json) {
        return sendBytes(method, path, token, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    public Response sendBytes(String method, String path, String token, byte[] body) {
        return sendWith(method, path, token, body);
    }

    /** Sends with extra headers given as name, value pairs. */
    public Response sendWith(String method, String path, String token, byte[] body, String... headers) {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            req.header("Content-Type", "application/json");
        }
        if (token != null) {
            req.header("Authorization", "Token " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode node = null;
            String type = res.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !res.body().isEmpty()) {
                node = MAPPER.readTree(res.body());
            }
            return new Response(res.statusCode(), res.body(), node, res.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers a new user and returns their token. */
    public String register(String username) {
        Response r = post("/api/users", null, "{\"user\":{\"username\":\"" + username + "\",\"email\":\"" + username
                + "@example.com\",\"password\":\"correct horse\"}}");
        if (r.status() != 201) {
            throw new AssertionError("register failed: " + r.status() + " " + r.text());
        }
        return r.json().path("user").path("token").asText();
    }

    /** Creates an article and returns its slug. */
    public String article(String token, String title, String... tags) {
        Response r = post("/api/articles", token, "{\"article\":{\"title\":" + json(title)
                + ",\"description\":\"d\",\"body\":\"b\",\"tagList\":" + json(tags) + "}}");
        if (r.status() != 201) {
            throw new AssertionError("create article failed: " + r.status() + " " + r.text());
        }
        return r.json().path("article").path("slug").asText();
    }

    public static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
