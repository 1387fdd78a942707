package conduit.web;

import java.util.List;

import conduit.Api;
import conduit.EmbeddedApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request ids, security headers and CORS on every kind of response. */
class EdgeTest {
    @RegisterExtension
    static final EmbeddedApp APP = new EmbeddedApp();
    private final Api api = APP.api();

    @Test
    void everyResponseCarriesARequestIdAndTheSecurityHeaders() {
        String token = api.register(Api.unique("edge"));
        List<Api.Response> responses = List.of(
                api.get("/api/tags", null),
                api.get("/api/user", token),
                api.get("/api/user", null),
                api.get("/api/articles/nope", null),
                api.post("/api/articles", token, "{\"article\":{}}"),
                api.post("/api/articles", token, "{broken"),
                api.get("/no/such/route", null),
                api.get("/observe/health/ready", null));
        for (Api.Response r : responses) {
            String where = r.status() + " " + r.text();
            assertTrue(r.headers().firstValue("X-Request-Id").filter(id -> !id.isBlank()).isPresent(), where);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), where);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(""), where);
            assertEquals("strict-origin-when-cross-origin", r.headers().firstValue("Referrer-Policy").orElse(""), where);
            assertFalse(r.headers().firstValue("Strict-Transport-Security").isPresent(), "no HSTS over plain HTTP: " + where);
        }
        assertEquals("default-src 'none'; frame-ancestors 'none'",
                api.get("/api/tags", null).headers().firstValue("Content-Security-Policy").orElse(""));
    }

    @Test
    void theCallersRequestIdIsEchoedAndAnUnsafeOneReplaced() {
        assertEquals("req-42", api.sendWith("GET", "/api/tags", null, null, "X-Request-Id", "req-42")
                .headers().firstValue("X-Request-Id").orElse(""));
        String trace = "Root=1-67891233-abcdef012345678912345678";
        assertEquals(trace, api.sendWith("GET", "/api/tags", null, null, "X-Amzn-Trace-Id", trace)
                .headers().firstValue("X-Request-Id").orElse(""));
        String replaced = api.sendWith("GET", "/api/tags", null, null, "X-Request-Id", "bad id <script>")
                .headers().firstValue("X-Request-Id").orElse("");
        assertTrue(replaced.matches("[0-9a-f-]{36}"), replaced);
    }

    /** Only a trusted proxy's X-Forwarded-Proto counts (ForwardedTest): from anyone else, no HSTS. */
    @Test
    void noHstsForAClaimedHttpsFromAnUntrustedPeer() {
        Api.Response r = api.sendWith("GET", "/api/tags", null, null, "X-Forwarded-Proto", "https");
        assertFalse(r.headers().firstValue("Strict-Transport-Security").isPresent());
    }

    @Test
    void aTokenShapedRequestIdIsReplacedNeverEchoed() {
        String token = api.register(Api.unique("rid"));
        for (String id : List.of(token, "trace-" + token, token.substring(0, 40))) {
            String echoed = api.sendWith("GET", "/api/tags", null, null, "X-Request-Id", id)
                    .headers().firstValue("X-Request-Id").orElse("");
            assertTrue(echoed.matches("[0-9a-f-]{36}"), id + " came back as " + echoed);
        }
        // The check can fail: a plain id of 39 characters is kept.
        String plain = "a".repeat(39);
        assertEquals(plain, api.sendWith("GET", "/api/tags", null, null, "X-Request-Id", plain)
                .headers().firstValue("X-Request-Id").orElse(""));
    }

    @Test
    void healthAndMetricsAreServedOnlyOnTheObservePort() {
        for (String path : List.of("/observe/health", "/observe/health/ready", "/observe/health/live", "/observe/metrics",
                "/observe/metrics/vendor", "/observe/nothing")) {
            Api.Response r = api.get(path, null);
            assertEquals(404, r.status(), "the public port must not answer " + path);
            assertEquals("no such route", r.error("route"), path);
        }
        Api observe = APP.observeApi();
        assertEquals(200, observe.get("/observe/health/ready", null).status());
        assertEquals(200, observe.get("/observe/health/live", null).status());
        assertTrue(observe.get("/observe/metrics", null).text().contains("jvm_memory_used_bytes"));
        assertEquals(404, observe.get("/api/tags", null).status(), "the API is not on the observe port");
    }

    /** Helidon's MicroProfile-style scopes were a 500 with a stack trace; no path under /observe may be a 500. */
    @Test
    void noObservePathIsAServerError() {
        Api observe = APP.observeApi();
        for (String path : List.of("/observe/metrics/vendor", "/observe/metrics/base", "/observe/metrics/application",
                "/observe/metrics?scope=vendor", "/observe/health/nothing", "/observe/health/ready/x", "/observe",
                "/observe/", "/observe/nothing")) {
            Api.Response r = observe.get(path, null);
            assertTrue(r.status() < 500, path + " answered " + r.status() + " " + r.text());
        }
    }

    @Test
    void readinessReflectsThisInstanceAndListsTheSharedTiers() {
        Api.Response ready = APP.observeApi().get("/observe/health/ready", null);
        assertEquals(200, ready.status());
        for (String check : List.of("instance", "drain", "database-writer", "database-reader", "redis")) {
            assertTrue(ready.text().contains("\"name\":\"" + check + "\""), check + " in " + ready.text());
        }
        assertTrue(ready.text().contains("\"started\":true"), ready.text());
    }

    @Test
    void metricsExposeEveryFamilyAfterTraffic() {
        String token = api.register(Api.unique("metrics"));
        String slug = api.article(token, "Measured");
        api.get("/api/articles/" + slug, null);
        api.get("/api/articles/" + slug, null);
        api.get("/api/tags", null);
        api.get("/api/user", "bogus-token-that-is-not-valid");
        String text = APP.observeApi().get("/observe/metrics", null).text();
        for (String family : List.of(
                "http_server_requests_seconds_count{method=\"GET\",route=\"/api/articles/{slug}\"",
                "http_server_requests_seconds_bucket{method=\"GET\",route=\"/api/articles/{slug}\"",
                "status=\"401\"",
                "hikaricp_connections_active{pool=\"writer\"",
                "hikaricp_connections_idle{pool=\"writer\"",
                "hikaricp_connections_pending{pool=\"writer\"",
                "db_reader_fallbacks_total{reason=\"lag\"",
                "cache_hits_total",
                "cache_misses_total",
                "session_store_seconds_count{op=\"find\"",
                "session_store_errors_total",
                "jvm_memory_used_bytes",
                "gc_total",
                "process_cpu_usage",
                "process_files_open_files",
                "process_resident_memory_bytes")) {
            assertTrue(text.contains(family), "missing metric family " + family);
        }
        assertFalse(text.contains("route=\"/api/articles/" + slug), "routes are templates, never raw paths");
    }
}
