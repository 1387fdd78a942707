package conduit.web;

import java.time.Duration;
import java.util.List;

import conduit.Api;
import conduit.EmbeddedApp;
import conduit.RawHttp;
import conduit.Stack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transport edge cases through the production server set-up: media types, chunking, methods, deadlines. */
class TransportTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp(s -> s.toBuilder()
            .edge(s.edge().toBuilder().bodyReadTimeout(Duration.ofSeconds(2)).build()).build());
    private final Api api = APP.api();

    private RawHttp raw() {
        return new RawHttp(APP.running().port());
    }

    private static String chunkedLogin(String chunks) {
        return "POST /api/users/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
    }

    @Test
    void onlyJsonIsParsedAsJson() {
        String name = Api.unique("mime");
        String json = "{\"user\":{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"password\":\"correct horse\"}}";
        byte[] body = json.getBytes();
        for (String type : List.of("Content-Type: text/plain\r\n", "Content-Type: application/x-www-form-urlencoded\r\n",
                "Content-Type: multipart/form-data; boundary=x\r\n", "")) {
            try (RawHttp http = raw()) {
                RawHttp.Exchange e = http.send("POST /api/users HTTP/1.1\r\nHost: t\r\n" + type + "Content-Length: " + body.length
                        + "\r\n\r\n" + json).response(false, 5000);
                assertEquals(415, e.status(), type + ": " + e.text());
                assertTrue(e.body().contains("Content-Type must be application/json"), e.text());
            }
        }
        assertEquals(401, api.post("/api/users/login", null, "{\"user\":{\"email\":\"" + name
                + "@example.com\",\"password\":\"correct horse\"}}").status(), "nothing was signed up");
        Api.Response ok = api.sendWith("POST", "/api/users", null, body, "Content-Type", "application/json; charset=UTF-8");
        assertEquals(201, ok.status(), ok.text());
    }

    @Test
    void chunkExtensionsAndMalformedChunksAre400AndEndTheConnection() {
        for (String chunks : List.of("2;a=b\r\n{}\r\n0\r\n\r\n", "zz\r\n{}\r\n0\r\n\r\n", "-1\r\n{}\r\n0\r\n\r\n")) {
            try (RawHttp http = raw()) {
                // A second request follows in the same packet: it must not be answered from the body's remains.
                RawHttp.Exchange e = http.send(chunkedLogin(chunks) + "GET /api/tags HTTP/1.1\r\nHost: t\r\n\r\n").read(5000);
                assertEquals(400, e.status(), chunks + " -> " + e.text());
                assertTrue(e.body().startsWith("{\"errors\":{\"request\":[\"body has a malformed chunked encoding\"]}}"), e.text());
                assertEquals(1, e.responses(), e.text());
                assertTrue(e.closed(), "the connection is closed");
            }
        }
        // Control: the same request well chunked is read (and rejected as a login, not as a transport error).
        try (RawHttp http = raw()) {
            String json = "{\"user\":{\"email\":\"nobody@example.com\",\"password\":\"wrong wrong\"}}";
            RawHttp.Exchange e = http.send(chunkedLogin(Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n")
                    + "GET /api/tags HTTP/1.1\r\nHost: t\r\n\r\n").read(1500);
            assertEquals(401, e.status(), e.text());
            assertEquals(2, e.responses(), "keep-alive goes on after a well-formed body: " + e.text());
            assertFalse(e.closed());
        }
    }

    @Test
    void anonymousBodiesAreSmall() {
        try (RawHttp http = raw()) {
            String filler = "x".repeat(10_000);
            String json = "{\"user\":{\"email\":\"a@example.com\",\"password\":\"" + filler + "\"}}";
            RawHttp.Exchange e = http.send(chunkedLogin(Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n")).read(5000);
            assertEquals(413, e.status(), e.text());
            assertTrue(e.closed());
        }
        Api.Response declared = api.post("/api/users/login", null, "{\"user\":{\"email\":\"a@example.com\",\"password\":\""
                + "y".repeat(9000) + "\"}}");
        assertEquals(413, declared.status());
    }

    @Test
    void aBodyMustArriveBeforeItsDeadline() {
        for (String request : List.of(chunkedLogin(""),
                "POST /api/users/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"us")) {
            try (RawHttp http = raw()) {
                RawHttp.Exchange e = http.send(request).read(8000);
                assertTrue(e.closed(), "closed by the server: " + e);
                assertTrue(e.millis() >= 1500 && e.millis() < 6000, "after the 2 s deadline: " + e.millis() + " ms");
            }
        }
        // Control: a slow body that completes within the deadline is read.
        try (RawHttp slow = raw()) {
            String json = "{\"user\":{\"email\":\"nobody@example.com\",\"password\":\"wrong wrong\"}}";
            slow.send(chunkedLogin(Integer.toHexString(10) + "\r\n" + json.substring(0, 10) + "\r\n"));
            Stack.sleep(700);
            String rest = json.substring(10);
            slow.send(Integer.toHexString(rest.length()) + "\r\n" + rest + "\r\n0\r\n\r\n");
            RawHttp.Exchange e = slow.response(false, 5000);
            assertEquals(401, e.status(), e.text());
        }
    }

    @Test
    void headMirrorsGetWithoutTheBody() {
        String slug = api.article(api.register(Api.unique("head")), "Head title");
        for (String path : List.of("/api/tags", "/api/articles?limit=2", "/api/articles/" + slug, "/api/articles/nope",
                "/api/openapi.yml")) {
            RawHttp.Exchange get;
            RawHttp.Exchange head;
            try (RawHttp http = raw()) {
                get = http.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").response(false, 5000);
                // Whatever a HEAD response wrongly carried would show up ahead of the next response.
                head = http.send("HEAD " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"
                        + "GET /api/openapi.yml HTTP/1.1\r\nHost: t\r\n\r\n").response(true, 5000);
            }
            assertEquals(get.status(), head.status(), path);
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), path);
            assertEquals(get.header("Content-Length"), head.header("Content-Length"), path);
            assertEquals(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length),
                    head.header("Content-Length"), path);
            assertTrue(head.body().isEmpty() || head.body().startsWith("HTTP/1.1 200"), "no body for HEAD: " + path + ": " + head.body());
        }
    }

    @Test
    void otherMethodsOnKnownPathsAre405WithAllow() {
        Api.Response post = api.post("/api/tags", null, "{}");
        assertEquals(405, post.status());
        assertEquals("GET, HEAD, OPTIONS", post.headers().firstValue("Allow").orElse(""));
        assertTrue(post.error("method").startsWith("is not allowed here"), post.text());
        assertEquals("OPTIONS, POST", api.send("GET", "/api/users/login", null, null).headers().firstValue("Allow").orElse(""));
        assertEquals("DELETE, GET, HEAD, OPTIONS", api.send("PUT", "/api/user/sessions", null, "{}").headers().firstValue("Allow").orElse(""));
        Api.Response options = api.send("OPTIONS", "/api/articles/some-slug", null, null);
        assertEquals(204, options.status());
        assertEquals("DELETE, GET, HEAD, OPTIONS, PUT", options.headers().firstValue("Allow").orElse(""));
        // Unknown paths stay 404, and a known path's own methods are untouched.
        assertEquals(404, api.post("/api/nothing", null, "{}").status());
        assertEquals(404, api.send("PATCH", "/api/nothing/else", null, null).status());
        assertEquals(200, api.get("/api/tags", null).status());
        assertFalse(api.get("/api/tags", null).headers().firstValue("Allow").isPresent());
    }
}
