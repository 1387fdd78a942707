package conduit.blob;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import conduit.Api;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole upload flow in embedded mode: the app signs URLs and serves them itself. */
@ServerTest
class LocalUploadTest {
    private static final String BAD_SIGNATURE = "{\"errors\":{\"signature\":[\"is invalid or expired\"]}}";
    private static Path dataDir;
    private static LocalBlobStore store;
    private final URI base;
    private final Api api;

    LocalUploadTest(URI base) {
        this.base = base;
        this.api = new Api(base);
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) throws IOException {
        dataDir = conduit.TempDirs.make("conduit-blob");
        store = new LocalBlobStore(dataDir, "");
        UploadRig.configure(server, new UploadService(store, ""), store);
    }

    private JsonNode upload(String token, String type, long length, String purpose) {
        Api.Response r = api.post("/api/uploads", token, UploadRig.uploadRequest(type, length, purpose));
        assertEquals(201, r.status(), r.text());
        return r.json().path("upload");
    }

    private URI url(JsonNode upload, String field) {
        return base.resolve(upload.path(field).asText());
    }

    private static Map<String, String> headers(JsonNode upload) {
        return Map.of("content-type", upload.path("headers").path("content-type").asText());
    }

    private static void assertBadSignature(HttpResponse<byte[]> r) {
        assertEquals(403, r.statusCode(), new String(r.body()));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(BAD_SIGNATURE, new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void theApiSignsAnUploadIntoTheCallersOwnPrefix() {
        JsonNode u = upload(UploadRig.signIn(41), "image/png", 1234, "profile");
        String key = u.path("key").asText();
        assertTrue(key.matches("users/41/profile/[0-9a-f-]{36}\\.png"), key);
        assertEquals("PUT", u.path("method").asText());
        assertTrue(u.path("url").asText().startsWith("/files/" + key + "?expires="), u.toString());
        assertEquals("image/png", u.path("headers").path("content-type").asText());
        assertEquals(1, u.path("headers").size(), "only Content-Type: the length is set by the client itself");
        assertEquals("/api/images/" + key, u.path("imageUrl").asText());
        Instant expires = Instant.parse(u.path("expiresAt").asText());
        assertTrue(Duration.between(Instant.now(), expires).compareTo(Duration.ofMinutes(9)) > 0, "about 10 minutes");
    }

    @Test
    void anUploadedImageIsServedThroughItsStableUrl() {
        String token = UploadRig.signIn(42);
        byte[] png = UploadRig.bytes(3000);
        JsonNode u = upload(token, "image/png", png.length, "article");
        assertEquals(200, UploadRig.put(url(u, "url"), headers(u), png).statusCode());

        HttpResponse<byte[]> redirect = UploadRig.get(url(u, "imageUrl"));
        assertEquals(302, redirect.statusCode());
        assertEquals("public, max-age=870", redirect.headers().firstValue("Cache-Control").orElse(""));
        URI location = base.resolve(redirect.headers().firstValue("Location").orElseThrow());

        HttpResponse<byte[]> file = UploadRig.get(location);
        assertEquals(200, file.statusCode());
        assertArrayEquals(png, file.body());
        assertEquals("image/png", file.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", file.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("inline", file.headers().firstValue("Content-Disposition").orElse(""));
        String cache = file.headers().firstValue("Cache-Control").orElse("");
        assertTrue(cache.matches("private, max-age=(89\\d|900)"), cache);
        assertEquals(new BlobInfo(png.length, "image/png"), store.head(u.path("key").asText()).orElseThrow());
    }

    @Test
    void theLargestAllowedImageUploads() {
        byte[] big = UploadRig.bytes((int) UploadService.MAX_BYTES);
        JsonNode u = upload(UploadRig.signIn(43), "image/jpeg", big.length, "article");
        assertEquals(200, UploadRig.put(url(u, "url"), headers(u), big).statusCode());
        assertEquals(big.length, store.head(u.path("key").asText()).orElseThrow().size());
    }

    @Test
    void aTamperedUrlIs403() {
        JsonNode u = upload(UploadRig.signIn(44), "image/png", 10, "profile");
        URI url = url(u, "url");
        assertBadSignature(UploadRig.put(UploadRig.tamperSignature(url, "signature"), headers(u), UploadRig.bytes(10)));
        URI otherKey = URI.create(url.toString().replace("/users/44/", "/users/45/"));
        assertBadSignature(UploadRig.put(otherKey, headers(u), UploadRig.bytes(10)));
        URI later = URI.create(url.toString().replaceFirst("expires=(\\d+)", "expires=9$1"));
        assertBadSignature(UploadRig.put(later, headers(u), UploadRig.bytes(10)));
        URI unsigned = URI.create(url.toString().substring(0, url.toString().indexOf('?')));
        assertBadSignature(UploadRig.put(unsigned, headers(u), UploadRig.bytes(10)));
        assertTrue(store.head(u.path("key").asText()).isEmpty(), "nothing stored");
    }

    @Test
    void anExpiredUrlIs403() {
        PresignedPut put = store.presignPut("users/46/profile/expiring.png", "image/png", 10, Duration.ofSeconds(1));
        UploadRig.sleep(1500);
        assertBadSignature(UploadRig.put(base.resolve(put.url()), put.headers(), UploadRig.bytes(10)));

        PresignedPut ok = store.presignPut("users/46/profile/kept.png", "image/png", 10, Duration.ofMinutes(1));
        assertEquals(200, UploadRig.put(base.resolve(ok.url()), ok.headers(), UploadRig.bytes(10)).statusCode());
        URI get = store.presignGet("users/46/profile/kept.png", Duration.ofSeconds(1));
        assertEquals(200, UploadRig.get(base.resolve(get)).statusCode());
        UploadRig.sleep(1500);
        assertBadSignature(UploadRig.get(base.resolve(get)));
    }

    @Test
    void aWrongContentTypeIs403() {
        JsonNode u = upload(UploadRig.signIn(47), "image/png", 10, "profile");
        assertBadSignature(UploadRig.put(url(u, "url"), Map.of("Content-Type", "text/html"), UploadRig.bytes(10)));
        assertBadSignature(UploadRig.put(url(u, "url"), Map.of("Content-Type", "image/png; charset=utf-8"), UploadRig.bytes(10)));
    }

    @Test
    void aBodyLongerOrShorterThanSignedIs403() {
        JsonNode u = upload(UploadRig.signIn(48), "image/png", 10, "profile");
        assertBadSignature(UploadRig.put(url(u, "url"), headers(u), UploadRig.bytes(11)));
        assertBadSignature(UploadRig.put(url(u, "url"), headers(u), UploadRig.bytes(9)));
        assertTrue(store.head(u.path("key").asText()).isEmpty());
    }

    @Test
    void aBodyCutShortStoresNothing() throws Exception {
        PresignedPut put = store.presignPut("users/49/profile/cut.png", "image/png", 100, Duration.ofMinutes(1));
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("PUT " + put.url() + " HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100\r\n\r\n" + "x".repeat(40)).getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // the client gives up after 40 of 100 bytes
            socket.getInputStream().readAllBytes();
        }
        UploadRig.sleep(200);
        assertTrue(store.head("users/49/profile/cut.png").isEmpty());
        try (var incoming = Files.list(dataDir.resolve("files/incoming"))) {
            assertEquals(0, incoming.count(), "the partial upload was cleaned up");
        }
    }

    @Test
    void aPutUrlDoesNotReadAndAReadUrlDoesNotWrite() {
        JsonNode u = upload(UploadRig.signIn(50), "image/png", 10, "profile");
        assertEquals(200, UploadRig.put(url(u, "url"), headers(u), UploadRig.bytes(10)).statusCode());
        assertBadSignature(UploadRig.get(url(u, "url")));
        URI get = base.resolve(store.presignGet(u.path("key").asText(), Duration.ofMinutes(1)));
        assertBadSignature(UploadRig.put(get, headers(u), UploadRig.bytes(10)));
    }

    @Test
    void aSignedUrlForNothingIs404AndAnUnknownImageIs404() {
        URI get = base.resolve(store.presignGet("users/51/profile/missing.png", Duration.ofMinutes(1)));
        assertEquals(404, UploadRig.get(get).statusCode());
        Api.Response image = api.get("/api/images/users/51/profile/00000000-0000-0000-0000-000000000000.png", null);
        assertEquals(404, image.status());
        assertEquals("not found", image.error("image"));
        for (String foreign : new String[] {"/api/images/other/file.png", "/api/images/users/51/profile/x.html",
                "/api/images/users/51/../52/profile/00000000-0000-0000-0000-000000000000.png"}) {
            Api.Response r = api.get(foreign, null);
            assertEquals(404, r.status(), foreign);
            assertTrue(r.json().has("errors"), foreign);
        }
    }

    @Test
    void theServerAloneChoosesTheKey() {
        Api.Response r = api.post("/api/uploads", UploadRig.signIn(52), "{\"upload\":{\"contentType\":\"image/gif\","
                + "\"contentLength\":5,\"purpose\":\"article\",\"key\":\"users/1/profile/mine.gif\",\"userId\":1}}");
        assertEquals(201, r.status(), r.text());
        assertTrue(r.json().path("upload").path("key").asText().startsWith("users/52/article/"));
        Api.Response escape = api.post("/api/uploads", UploadRig.signIn(52), UploadRig.uploadRequest("image/gif", 5, "../../1/profile"));
        assertEquals(422, escape.status());
        assertEquals("must be profile or article", escape.error("purpose"));
    }

    @Test
    void theApiRefusesOtherTypesAndSizesWith422() {
        String token = UploadRig.signIn(53);
        Object[][] cases = {
                {UploadRig.uploadRequest("text/html", 10, "profile"), "contentType"},
                {UploadRig.uploadRequest("image/svg+xml", 10, "profile"), "contentType"},
                {UploadRig.uploadRequest("image/png", UploadService.MAX_BYTES + 1, "profile"), "contentLength"},
                {UploadRig.uploadRequest("image/png", 0, "profile"), "contentLength"},
                {UploadRig.uploadRequest("image/png", -5, "profile"), "contentLength"},
                {UploadRig.uploadRequest("image/png", 10, "banner"), "purpose"},
                {"{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":\"10\",\"purpose\":\"profile\"}}", "contentLength"},
                {"{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":10.5,\"purpose\":\"profile\"}}", "contentLength"},
                {"{\"upload\":{\"contentType\":\"image/png\",\"contentLength\":1e30,\"purpose\":\"profile\"}}", "contentLength"},
                {"{\"upload\":{\"contentLength\":10,\"purpose\":\"profile\"}}", "contentType"},
                {"{\"upload\":{\"contentType\":\"image/png\",\"purpose\":\"profile\"}}", "contentLength"},
                {"{\"upload\":{\"contentType\":7,\"contentLength\":10,\"purpose\":\"profile\"}}", "contentType"},
                {"{\"upload\":[]}", "upload"},
                {"{\"file\":{}}", "upload"},
        };
        for (Object[] c : cases) {
            Api.Response r = api.post("/api/uploads", token, (String) c[0]);
            assertEquals(422, r.status(), c[0] + " -> " + r.text());
            assertTrue(r.error((String) c[1]) != null, c[0] + " -> " + r.text());
        }
        assertEquals(400, api.post("/api/uploads", token, "{\"upload\":").status());
    }

    @Test
    void uploadsNeedASignedInUser() {
        Api.Response r = api.post("/api/uploads", null, UploadRig.uploadRequest("image/png", 10, "profile"));
        assertEquals(401, r.status());
        assertEquals(401, api.post("/api/uploads", "not-a-token", UploadRig.uploadRequest("image/png", 10, "profile")).status());
    }

    @Test
    void theUrlSigningKeyIsAMode600FileUnderTheDataDir() throws IOException {
        Path key = dataDir.resolve("keys/file-urls.key");
        assertEquals(32, Files.size(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        LocalBlobStore restarted = new LocalBlobStore(dataDir, "");
        PresignedPut put = restarted.presignPut("users/54/profile/again.png", "image/png", 3, Duration.ofMinutes(1));
        assertEquals(200, UploadRig.put(base.resolve(put.url()), put.headers(), UploadRig.bytes(3)).statusCode(),
                "a restarted store signs with the same key");
        assertFalse(Arrays.equals(new byte[32], Files.readAllBytes(key)));
    }

    @Test
    void deleteRemovesTheFile() {
        PresignedPut put = store.presignPut("users/55/profile/gone.png", "image/png", 3, Duration.ofMinutes(1));
        assertEquals(200, UploadRig.put(base.resolve(put.url()), put.headers(), UploadRig.bytes(3)).statusCode());
        store.delete("users/55/profile/gone.png");
        assertTrue(store.head("users/55/profile/gone.png").isEmpty());
        store.delete("users/55/profile/gone.png");
    }
}
