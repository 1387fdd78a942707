package conduit.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UI's files as the browser gets them: types, validators, caching, compression, CSP, fall-through. */
@ServerTest
class StaticSiteTest {
    private static final Pattern VERSIONED = Pattern.compile("href=\"(/assets/[0-9a-f]{16}/)favicon\\.svg\"");
    private static final Pattern INLINE_SCRIPT = Pattern.compile("<script type=\"module\">(.*?)</script>", Pattern.DOTALL);
    private static final Pattern INLINE_STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);
    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    StaticSiteTest(URI uri) {
        this.uri = uri;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        routing.register(new StaticSite());
        // Stands in for the app's JSON 404: what StaticSite does not serve must reach it.
        routing.any((req, res) -> res.status(404).send("fell through"));
    }

    private HttpResponse<byte[]> send(String method, String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, headers);
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The combined script's path under the current version's folder (index.html links the favicon there). */
    private String appJsPath() throws Exception {
        Matcher m = VERSIONED.matcher(text(get("/")));
        assertTrue(m.find(), "index.html links assets under a versioned folder");
        return m.group(1) + "app.bundle.js";
    }

    private static String cspHash(String text) throws Exception {
        return "'sha256-" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))) + "'";
    }

    @Test
    void rootIsIndexHtmlWithCspNoCacheAndNosniff() throws Exception {
        HttpResponse<byte[]> r = get("/");
        assertEquals(200, r.statusCode());
        assertEquals("text/html; charset=utf-8", header(r, "Content-Type"));
        String html = text(r);
        Matcher script = INLINE_SCRIPT.matcher(html);
        Matcher style = INLINE_STYLE.matcher(html);
        assertTrue(script.find() && style.find(), "the script and the stylesheet are inside the page");
        assertEquals(StaticSite.CSP.replace("script-src 'self'", "script-src 'self' " + cspHash(script.group(1)))
                .replace("style-src 'self'", "style-src 'self' " + cspHash(style.group(1))), header(r, "Content-Security-Policy"),
                "the CSP allows exactly these two inline texts, by hash");
        assertEquals("no-cache", header(r, "Cache-Control"));
        assertEquals("nosniff", header(r, "X-Content-Type-Options"));
        assertTrue(text(r).contains("<!doctype html>"));
        assertEquals(text(r), text(get("/index.html")));
    }

    @Test
    void indexHtmlHasNoLinksToOtherHosts() throws Exception {
        String html = text(get("/"));
        assertEquals(1, html.split("<script", -1).length - 1, "one script: the inlined bundle");
        assertFalse(html.contains(" src=\"/assets"), "no script file to fetch before the page runs");
        assertFalse(html.contains("style="), "no style attributes (the CSP would block them)");
        assertFalse(html.contains("data-inline"), "every marked file was inlined");
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "nothing from another host");
    }

    @Test
    void contentTypesFollowTheExtension() throws Exception {
        String base = appJsPath().replace("app.bundle.js", "");
        assertEquals("text/javascript; charset=utf-8", header(get(base + "app.js"), "Content-Type"));
        assertEquals("text/javascript; charset=utf-8", header(get(base + "vendor/purify.es.mjs"), "Content-Type"));
        assertEquals("text/css; charset=utf-8", header(get(base + "style.css"), "Content-Type"));
        assertEquals("image/svg+xml", header(get(base + "favicon.svg"), "Content-Type"));
    }

    @Test
    void versionedAssetsAreImmutableAndPlainPathsRevalidate() throws Exception {
        String hashed = appJsPath();
        HttpResponse<byte[]> immutable = get(hashed);
        assertEquals(200, immutable.statusCode());
        assertEquals("public, max-age=31536000, immutable", header(immutable, "Cache-Control"));
        assertEquals("nosniff", header(immutable, "X-Content-Type-Options"));
        assertEquals(null, header(immutable, "Content-Security-Policy"), "the CSP goes on pages, not scripts");

        HttpResponse<byte[]> plain = get("/assets/app.bundle.js");
        assertEquals(200, plain.statusCode());
        assertEquals("no-cache", header(plain, "Cache-Control"));
        assertArrayEquals(immutable.body(), plain.body());
    }

    @Test
    void theCombinedBundleIsServedAndTheModulesStayAvailable() throws Exception {
        String bundle = text(get(appJsPath()));
        assertTrue(bundle.contains("// /assets/app.js\n"), "the entry module is in the bundle");
        assertTrue(bundle.contains("// /assets/pages/home.js\n"), "so are the modules it imports");
        assertFalse(bundle.lines().anyMatch(l -> l.startsWith("import ")), "no import is left to fetch");
        assertTrue(text(get("/assets/app.js")).startsWith("//"), "the entry module itself is still served");
    }

    @Test
    void anotherVersionGetsTheCurrentFileButNotForever() throws Exception {
        HttpResponse<byte[]> r = get("/assets/0123456789abcdef/app.js");
        assertEquals(200, r.statusCode());
        assertEquals("no-cache", header(r, "Cache-Control"));
        assertArrayEquals(get("/assets/app.js").body(), r.body());
    }

    @Test
    void etagAndIfNoneMatchGive304WithoutBody() throws Exception {
        String path = appJsPath();
        HttpResponse<byte[]> first = get(path);
        String etag = header(first, "ETag");
        assertNotNull(etag);
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), "a strong ETag: " + etag);

        HttpResponse<byte[]> again = get(path, "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(etag, header(again, "ETag"));

        assertEquals(304, get("/", "If-None-Match", "\"other\", " + header(get("/"), "ETag")).statusCode());
        assertEquals(304, get(path, "If-None-Match", "W/" + etag).statusCode(), "If-None-Match compares weakly");
        assertEquals(200, get(path, "If-None-Match", "\"something-else\"").statusCode());
    }

    @Test
    void gzipWhenTheClientAcceptsIt() throws Exception {
        String path = appJsPath();
        HttpResponse<byte[]> identity = get(path);
        HttpResponse<byte[]> gzipped = get(path, "Accept-Encoding", "gzip, deflate, br");
        assertEquals("gzip", header(gzipped, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(gzipped, "Vary"));
        assertEquals("Accept-Encoding", header(identity, "Vary"));
        assertEquals(null, header(identity, "Content-Encoding"));
        assertTrue(gzipped.body().length < identity.body().length);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertArrayEquals(identity.body(), in.readAllBytes());
        }
        assertNotEquals(header(identity, "ETag"), header(gzipped, "ETag"), "each encoding has its own strong ETag");
        assertEquals(304, get(path, "Accept-Encoding", "gzip", "If-None-Match", header(gzipped, "ETag")).statusCode());

        assertEquals(null, header(get(path, "Accept-Encoding", "gzip;q=0, identity"), "Content-Encoding"));
        assertEquals("gzip", header(get("/", "Accept-Encoding", "br;q=1.0, gzip;q=0.5"), "Content-Encoding"));
    }

    @Test
    void headHasTheHeadersButNoBody() throws Exception {
        HttpResponse<byte[]> get = get("/assets/style.css");
        HttpResponse<byte[]> head = send("HEAD", "/assets/style.css");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(header(get, "ETag"), header(head, "ETag"));
        assertEquals(String.valueOf(get.body().length), header(head, "Content-Length"));
    }

    @Test
    void unknownPathsAndOtherMethodsFallThrough() throws Exception {
        for (String path : new String[] {"/nothing.js", "/api/tags", "/observe/health", "/assets/", "/assets/nope.js",
                "/assets/vendor/README.md", "/../pom.xml", "/%2e%2e/StaticSite.class"}) {
            HttpResponse<byte[]> r = get(path);
            assertEquals(404, r.statusCode(), path);
            assertEquals("fell through", text(r), path);
        }
        assertEquals("fell through", text(send("POST", "/")));
        assertEquals("fell through", text(send("DELETE", "/assets/app.js")));
    }

    @Test
    void acceptEncodingParsing() {
        assertTrue(StaticSite.acceptsGzip("gzip"));
        assertTrue(StaticSite.acceptsGzip("deflate, GZIP;q=0.3"));
        assertTrue(StaticSite.acceptsGzip("*"));
        assertFalse(StaticSite.acceptsGzip(null));
        assertFalse(StaticSite.acceptsGzip(""));
        assertFalse(StaticSite.acceptsGzip("br, deflate"));
        assertFalse(StaticSite.acceptsGzip("gzip;q=0"));
        assertFalse(StaticSite.acceptsGzip("gzip;q=0.000"));
        assertFalse(StaticSite.acceptsGzip("gzip;q=oops"));
    }

    @Test
    void theVersionChangesWithAnyAssetAndIsPinnedIntoIndexHtml() {
        byte[] index = "<script type=\"module\" src=\"/assets/app.js\"></script>".getBytes(StandardCharsets.UTF_8);
        StaticSite one = new StaticSite(Map.of("/index.html", index, "/assets/app.js", bytes("a"), "/assets/x.css", bytes("b")));
        StaticSite same = new StaticSite(Map.of("/index.html", index, "/assets/app.js", bytes("a"), "/assets/x.css", bytes("b")));
        StaticSite changed = new StaticSite(Map.of("/index.html", index, "/assets/app.js", bytes("a"), "/assets/x.css", bytes("c")));
        assertEquals(one.version(), same.version());
        assertNotEquals(one.version(), changed.version());
        assertEquals("<script type=\"module\" src=\"/assets/" + one.version() + "/app.js\"></script>",
                new String(StaticSite.pinAssets(index, one.version()), StandardCharsets.UTF_8));
    }

    @Test
    void inliningRefusesTextsThatWouldBreakOutOfTheirElement() {
        String page = "<head><link rel=\"stylesheet\" href=\"/assets/s.css\" data-inline>"
                + "<script type=\"module\" src=\"/assets/a.js\" data-inline></script></head>";
        StaticSite.Inlined ok = StaticSite.inline(bytes(page), Map.of("/assets/s.css", bytes("p{}"),
                "/assets/a.js", bytes("new URL('./x.svg', import.meta.url)")));
        assertEquals("<head><style>p{}</style><script type=\"module\">new URL('./x.svg', new URL('/assets/a.js', location.href).href)"
                + "</script></head>", new String(ok.html(), StandardCharsets.UTF_8));
        assertEquals(1, ok.scriptHashes().size());
        assertEquals(1, ok.styleHashes().size());
        for (String bad : new String[] {"let s = '</script><script>alert(1)</script>';", "<!-- x", "a </SCRIPT> b"}) {
            assertThrows(IllegalStateException.class, () -> StaticSite.inline(bytes(page),
                    Map.of("/assets/s.css", bytes("p{}"), "/assets/a.js", bytes(bad))), bad);
        }
        assertThrows(IllegalStateException.class, () -> StaticSite.inline(bytes(page),
                Map.of("/assets/s.css", bytes("p{}</style>"), "/assets/a.js", bytes(""))));
        assertThrows(IllegalStateException.class, () -> StaticSite.inline(bytes(page), Map.of("/assets/s.css", bytes(""))),
                "a missing file");
    }

    @Test
    void uploadOriginsAreAddedToConnectSrcAndValidated() {
        Map<String, byte[]> files = Map.of("/index.html", bytes("<p>"));
        assertEquals(StaticSite.CSP, new StaticSite(files).contentSecurityPolicy());
        assertEquals(StaticSite.CSP + "; connect-src 'self' https://b.s3.eu-west-1.amazonaws.com http://127.0.0.1:9000",
                new StaticSite(files, List.of("https://b.s3.eu-west-1.amazonaws.com", "http://127.0.0.1:9000"))
                        .contentSecurityPolicy());
        for (String bad : new String[] {"*", "https://x.com/path", "https://x.com; script-src *", "ftp://x.com", ""}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new StaticSite(files, List.of(bad)), bad);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
